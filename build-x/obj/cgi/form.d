build-x/obj/cgi/form.o: cgi/form.c cgi/form.h cgi/kv.h cgi/arena.h \
 cgi/valid.h
cgi/form.h:
cgi/kv.h:
cgi/arena.h:
cgi/valid.h:
