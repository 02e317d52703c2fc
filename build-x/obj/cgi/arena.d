build-x/obj/cgi/arena.o: cgi/arena.c cgi/arena.h
cgi/arena.h:
