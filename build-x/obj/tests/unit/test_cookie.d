build-x/obj/tests/unit/test_cookie.o: tests/unit/test_cookie.c \
 cgi/arena.h cgi/cookie.h cgi/kv.h tests/unit/unit.h tests/unit/unit_kv.h \
 cgi/kv.h
cgi/arena.h:
cgi/cookie.h:
cgi/kv.h:
tests/unit/unit.h:
tests/unit/unit_kv.h:
cgi/kv.h:
