build-x/obj/cgi/store.o: cgi/store.c cgi/store.h
cgi/store.h:
