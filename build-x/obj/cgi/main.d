build-x/obj/cgi/main.o: cgi/main.c cgi/arena.h cgi/boards.h cgi/config.h \
 cgi/db.h cgi/stmt.h cgi/decode.h cgi/image.h cgi/fold.h cgi/janitor.h \
 cgi/log.h cgi/req.h cgi/kv.h cgi/resp.h cgi/router.h cgi/store.h
cgi/arena.h:
cgi/boards.h:
cgi/config.h:
cgi/db.h:
cgi/stmt.h:
cgi/decode.h:
cgi/image.h:
cgi/fold.h:
cgi/janitor.h:
cgi/log.h:
cgi/req.h:
cgi/kv.h:
cgi/resp.h:
cgi/router.h:
cgi/store.h:
