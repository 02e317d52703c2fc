build-x/obj/tools/thumb.o: tools/thumb.c cgi/image.h
cgi/image.h:
