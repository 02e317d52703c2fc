build-x/obj/cgi/resp.o: cgi/resp.c cgi/resp.h cgi/req.h cgi/arena.h \
 cgi/kv.h cgi/config.h cgi/db.h cgi/stmt.h cgi/log.h
cgi/resp.h:
cgi/req.h:
cgi/arena.h:
cgi/kv.h:
cgi/config.h:
cgi/db.h:
cgi/stmt.h:
cgi/log.h:
