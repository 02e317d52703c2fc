build-x/obj/cgi/brake.o: cgi/brake.c cgi/brake.h cgi/db_account.h \
 cgi/db.h cgi/arena.h cgi/stmt.h cgi/req.h cgi/kv.h cgi/pow.h \
 cgi/config.h cgi/log.h cgi/outcome.h cgi/resp.h cgi/slots.h cgi/store.h \
 cgi/valid.h
cgi/brake.h:
cgi/db_account.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
cgi/req.h:
cgi/kv.h:
cgi/pow.h:
cgi/config.h:
cgi/log.h:
cgi/outcome.h:
cgi/resp.h:
cgi/slots.h:
cgi/store.h:
cgi/valid.h:
