build-x/obj/cgi/input.o: cgi/input.c cgi/input.h cgi/req.h cgi/arena.h \
 cgi/kv.h cgi/valid.h cgi/form.h cgi/resp.h
cgi/input.h:
cgi/req.h:
cgi/arena.h:
cgi/kv.h:
cgi/valid.h:
cgi/form.h:
cgi/resp.h:
