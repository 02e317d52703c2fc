build-x/obj/cgi/auth.o: cgi/auth.c cgi/auth.h cgi/req.h cgi/arena.h \
 cgi/kv.h cgi/config.h cgi/db_account.h cgi/db.h cgi/stmt.h cgi/resp.h
cgi/auth.h:
cgi/req.h:
cgi/arena.h:
cgi/kv.h:
cgi/config.h:
cgi/db_account.h:
cgi/db.h:
cgi/stmt.h:
cgi/resp.h:
