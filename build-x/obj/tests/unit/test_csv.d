build-x/obj/tests/unit/test_csv.o: tests/unit/test_csv.c cgi/arena.h \
 cgi/csv.h cgi/arena.h tests/unit/unit.h
cgi/arena.h:
cgi/csv.h:
cgi/arena.h:
tests/unit/unit.h:
