build-x/obj/tests/unit/test_store.o: tests/unit/test_store.c cgi/store.h \
 tests/unit/unit.h
cgi/store.h:
tests/unit/unit.h:
