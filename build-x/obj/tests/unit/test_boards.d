build-x/obj/tests/unit/test_boards.o: tests/unit/test_boards.c \
 cgi/boards.h tests/unit/unit.h
cgi/boards.h:
tests/unit/unit.h:
