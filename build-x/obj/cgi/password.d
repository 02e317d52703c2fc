build-x/obj/cgi/password.o: cgi/password.c cgi/password.h
cgi/password.h:
