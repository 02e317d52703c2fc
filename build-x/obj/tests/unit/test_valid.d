build-x/obj/tests/unit/test_valid.o: tests/unit/test_valid.c \
 tests/unit/unit.h cgi/valid.h cgi/kv.h
tests/unit/unit.h:
cgi/valid.h:
cgi/kv.h:
