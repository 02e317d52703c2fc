build-x/obj/cgi/pow.o: cgi/pow.c cgi/pow.h
cgi/pow.h:
