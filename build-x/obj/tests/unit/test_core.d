build-x/obj/tests/unit/test_core.o: tests/unit/test_core.c cgi/arena.h \
 cgi/config.h cgi/html.h cgi/arena.h cgi/log.h tests/unit/unit.h
cgi/arena.h:
cgi/config.h:
cgi/html.h:
cgi/arena.h:
cgi/log.h:
tests/unit/unit.h:
