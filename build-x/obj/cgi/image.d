build-x/obj/cgi/image.o: cgi/image.c cgi/image.h
cgi/image.h:
