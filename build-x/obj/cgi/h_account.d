build-x/obj/cgi/h_account.o: cgi/h_account.c cgi/auth.h cgi/req.h \
 cgi/arena.h cgi/kv.h cgi/brake.h cgi/db_account.h cgi/db.h cgi/stmt.h \
 cgi/pow.h cgi/config.h cgi/handlers.h cgi/input.h cgi/valid.h \
 cgi/password.h cgi/resp.h
cgi/auth.h:
cgi/req.h:
cgi/arena.h:
cgi/kv.h:
cgi/brake.h:
cgi/db_account.h:
cgi/db.h:
cgi/stmt.h:
cgi/pow.h:
cgi/config.h:
cgi/handlers.h:
cgi/input.h:
cgi/valid.h:
cgi/password.h:
cgi/resp.h:
