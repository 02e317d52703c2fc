build-x/obj/cgi/config.o: cgi/config.c cgi/config.h
cgi/config.h:
