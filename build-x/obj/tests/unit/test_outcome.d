build-x/obj/tests/unit/test_outcome.o: tests/unit/test_outcome.c \
 cgi/outcome.h tests/unit/unit.h
cgi/outcome.h:
tests/unit/unit.h:
