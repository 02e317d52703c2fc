build-x/obj/tests/unit/test_multipart.o: tests/unit/test_multipart.c \
 cgi/arena.h cgi/multipart.h cgi/kv.h tests/unit/unit.h
cgi/arena.h:
cgi/multipart.h:
cgi/kv.h:
tests/unit/unit.h:
