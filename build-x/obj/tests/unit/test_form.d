build-x/obj/tests/unit/test_form.o: tests/unit/test_form.c cgi/arena.h \
 cgi/form.h cgi/kv.h tests/unit/unit.h tests/unit/unit_kv.h cgi/kv.h
cgi/arena.h:
cgi/form.h:
cgi/kv.h:
tests/unit/unit.h:
tests/unit/unit_kv.h:
cgi/kv.h:
