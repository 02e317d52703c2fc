build-x/obj/cgi/admin/admin_args.o: cgi/admin/admin_args.c \
 cgi/admin/admin_args.h
cgi/admin/admin_args.h:
