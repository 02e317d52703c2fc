build-x/obj/cgi/outcome.o: cgi/outcome.c cgi/outcome.h cgi/log.h \
 cgi/resp.h cgi/req.h cgi/arena.h cgi/kv.h
cgi/outcome.h:
cgi/log.h:
cgi/resp.h:
cgi/req.h:
cgi/arena.h:
cgi/kv.h:
