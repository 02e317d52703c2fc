build-x/obj/cgi/router.o: cgi/router.c cgi/router.h cgi/req.h cgi/arena.h \
 cgi/kv.h cgi/auth.h cgi/config.h cgi/db.h cgi/stmt.h cgi/handlers.h \
 cgi/resp.h cgi/valid.h
cgi/router.h:
cgi/req.h:
cgi/arena.h:
cgi/kv.h:
cgi/auth.h:
cgi/config.h:
cgi/db.h:
cgi/stmt.h:
cgi/handlers.h:
cgi/resp.h:
cgi/valid.h:
