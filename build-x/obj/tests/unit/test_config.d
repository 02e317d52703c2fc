build-x/obj/tests/unit/test_config.o: tests/unit/test_config.c \
 cgi/config.h tests/unit/unit.h
cgi/config.h:
tests/unit/unit.h:
