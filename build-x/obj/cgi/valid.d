build-x/obj/cgi/valid.o: cgi/valid.c cgi/valid.h cgi/kv.h
cgi/valid.h:
cgi/kv.h:
