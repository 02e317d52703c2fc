build-x/obj/cgi/h_entry.o: cgi/h_entry.c cgi/config.h cgi/db_contest.h \
 cgi/db.h cgi/arena.h cgi/stmt.h cgi/db_entry.h cgi/gallery.h \
 cgi/db_jury.h cgi/decode.h cgi/image.h cgi/handlers.h cgi/req.h cgi/kv.h \
 cgi/input.h cgi/valid.h cgi/log.h cgi/multipart.h cgi/outcome.h \
 cgi/resp.h cgi/store.h
cgi/config.h:
cgi/db_contest.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
cgi/db_entry.h:
cgi/gallery.h:
cgi/db_jury.h:
cgi/decode.h:
cgi/image.h:
cgi/handlers.h:
cgi/req.h:
cgi/kv.h:
cgi/input.h:
cgi/valid.h:
cgi/log.h:
cgi/multipart.h:
cgi/outcome.h:
cgi/resp.h:
cgi/store.h:
