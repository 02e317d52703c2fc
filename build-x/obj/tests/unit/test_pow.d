build-x/obj/tests/unit/test_pow.o: tests/unit/test_pow.c cgi/pow.h \
 cgi/slots.h tests/unit/unit.h
cgi/pow.h:
cgi/slots.h:
tests/unit/unit.h:
