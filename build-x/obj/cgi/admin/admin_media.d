build-x/obj/cgi/admin/admin_media.o: cgi/admin/admin_media.c \
 cgi/admin/../config.h cgi/admin/../db_entry.h cgi/admin/../db.h \
 cgi/admin/../arena.h cgi/admin/../stmt.h cgi/admin/../gallery.h \
 cgi/admin/../db_janitor.h cgi/admin/../janitor.h cgi/admin/../store.h \
 cgi/admin/../valid.h cgi/admin/../kv.h cgi/admin/admin.h \
 cgi/admin/../arena.h cgi/admin/../db.h cgi/admin/admin_args.h
cgi/admin/../config.h:
cgi/admin/../db_entry.h:
cgi/admin/../db.h:
cgi/admin/../arena.h:
cgi/admin/../stmt.h:
cgi/admin/../gallery.h:
cgi/admin/../db_janitor.h:
cgi/admin/../janitor.h:
cgi/admin/../store.h:
cgi/admin/../valid.h:
cgi/admin/../kv.h:
cgi/admin/admin.h:
cgi/admin/../arena.h:
cgi/admin/../db.h:
cgi/admin/admin_args.h:
