build-x/obj/cgi/admin/admin.o: cgi/admin/admin.c cgi/admin/admin.h \
 cgi/admin/../arena.h cgi/admin/../db.h cgi/admin/../arena.h \
 cgi/admin/../stmt.h cgi/admin/admin_args.h cgi/admin/../config.h \
 cgi/admin/../db_jury.h cgi/admin/../db.h cgi/admin/../valid.h \
 cgi/admin/../kv.h
cgi/admin/admin.h:
cgi/admin/../arena.h:
cgi/admin/../db.h:
cgi/admin/../arena.h:
cgi/admin/../stmt.h:
cgi/admin/admin_args.h:
cgi/admin/../config.h:
cgi/admin/../db_jury.h:
cgi/admin/../db.h:
cgi/admin/../valid.h:
cgi/admin/../kv.h:
