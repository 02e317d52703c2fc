build-x/obj/cgi/db_entry.o: cgi/db_entry.c cgi/db_entry.h cgi/db.h \
 cgi/arena.h cgi/stmt.h cgi/gallery.h cgi/sqlfrag.h
cgi/db_entry.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
cgi/gallery.h:
cgi/sqlfrag.h:
