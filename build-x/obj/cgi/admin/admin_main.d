build-x/obj/cgi/admin/admin_main.o: cgi/admin/admin_main.c \
 cgi/admin/../db_entry.h cgi/admin/../db.h cgi/admin/../arena.h \
 cgi/admin/../stmt.h cgi/admin/../gallery.h cgi/admin/../gallery.h \
 cgi/admin/../stmt.h cgi/admin/../valid.h cgi/admin/../kv.h \
 cgi/admin/admin.h cgi/admin/../arena.h cgi/admin/../db.h \
 cgi/admin/admin_args.h
cgi/admin/../db_entry.h:
cgi/admin/../db.h:
cgi/admin/../arena.h:
cgi/admin/../stmt.h:
cgi/admin/../gallery.h:
cgi/admin/../gallery.h:
cgi/admin/../stmt.h:
cgi/admin/../valid.h:
cgi/admin/../kv.h:
cgi/admin/admin.h:
cgi/admin/../arena.h:
cgi/admin/../db.h:
cgi/admin/admin_args.h:
