build-x/obj/cgi/h_page.o: cgi/h_page.c cgi/config.h cgi/db_entry.h \
 cgi/db.h cgi/arena.h cgi/stmt.h cgi/gallery.h cgi/handlers.h cgi/req.h \
 cgi/kv.h cgi/html.h cgi/resp.h cgi/store.h
cgi/config.h:
cgi/db_entry.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
cgi/gallery.h:
cgi/handlers.h:
cgi/req.h:
cgi/kv.h:
cgi/html.h:
cgi/resp.h:
cgi/store.h:
