build-x/obj/cgi/gallery.o: cgi/gallery.c cgi/gallery.h
cgi/gallery.h:
