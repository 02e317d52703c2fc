build-x/obj/cgi/html.o: cgi/html.c cgi/html.h cgi/arena.h
cgi/html.h:
cgi/arena.h:
