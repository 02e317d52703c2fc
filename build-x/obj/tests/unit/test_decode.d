build-x/obj/tests/unit/test_decode.o: tests/unit/test_decode.c \
 cgi/decode.h cgi/image.h cgi/image.h cgi/store.h tests/unit/unit.h
cgi/decode.h:
cgi/image.h:
cgi/image.h:
cgi/store.h:
tests/unit/unit.h:
