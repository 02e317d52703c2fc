build-x/obj/cgi/req.o: cgi/req.c cgi/req.h cgi/arena.h cgi/kv.h \
 cgi/config.h cgi/cookie.h cgi/form.h cgi/valid.h
cgi/req.h:
cgi/arena.h:
cgi/kv.h:
cgi/config.h:
cgi/cookie.h:
cgi/form.h:
cgi/valid.h:
