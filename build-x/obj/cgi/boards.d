build-x/obj/cgi/boards.o: cgi/boards.c cgi/boards.h
cgi/boards.h:
