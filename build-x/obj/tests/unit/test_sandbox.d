build-x/obj/tests/unit/test_sandbox.o: tests/unit/test_sandbox.c \
 cgi/decode.h cgi/image.h cgi/image.h cgi/store.h tests/unit/unit.h
cgi/decode.h:
cgi/image.h:
cgi/image.h:
cgi/store.h:
tests/unit/unit.h:
