build-x/obj/tests/unit/test_image.o: tests/unit/test_image.c cgi/image.h \
 tests/unit/unit.h
cgi/image.h:
tests/unit/unit.h:
