build-x/obj/tests/unit/test_admin_args.o: tests/unit/test_admin_args.c \
 tests/unit/../../cgi/admin/admin_args.c \
 tests/unit/../../cgi/admin/admin_args.h tests/unit/unit.h
tests/unit/../../cgi/admin/admin_args.c:
tests/unit/../../cgi/admin/admin_args.h:
tests/unit/unit.h:
