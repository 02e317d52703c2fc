build-x/obj/cgi/multipart.o: cgi/multipart.c cgi/multipart.h cgi/kv.h \
 cgi/arena.h cgi/valid.h
cgi/multipart.h:
cgi/kv.h:
cgi/arena.h:
cgi/valid.h:
