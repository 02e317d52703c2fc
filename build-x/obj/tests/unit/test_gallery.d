build-x/obj/tests/unit/test_gallery.o: tests/unit/test_gallery.c \
 cgi/gallery.h tests/unit/unit.h
cgi/gallery.h:
tests/unit/unit.h:
