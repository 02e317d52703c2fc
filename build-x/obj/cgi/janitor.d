build-x/obj/cgi/janitor.o: cgi/janitor.c cgi/janitor.h cgi/arena.h \
 cgi/config.h cgi/db.h cgi/stmt.h cgi/db_janitor.h cgi/log.h cgi/store.h
cgi/janitor.h:
cgi/arena.h:
cgi/config.h:
cgi/db.h:
cgi/stmt.h:
cgi/db_janitor.h:
cgi/log.h:
cgi/store.h:
