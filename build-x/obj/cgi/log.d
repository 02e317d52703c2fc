build-x/obj/cgi/log.o: cgi/log.c cgi/log.h
cgi/log.h:
