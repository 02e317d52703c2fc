build-x/obj/cgi/slots.o: cgi/slots.c cgi/slots.h
cgi/slots.h:
