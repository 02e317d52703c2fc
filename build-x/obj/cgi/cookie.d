build-x/obj/cgi/cookie.o: cgi/cookie.c cgi/cookie.h cgi/kv.h cgi/arena.h
cgi/cookie.h:
cgi/kv.h:
cgi/arena.h:
