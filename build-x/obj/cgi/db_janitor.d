build-x/obj/cgi/db_janitor.o: cgi/db_janitor.c cgi/db_janitor.h cgi/db.h \
 cgi/arena.h cgi/stmt.h
cgi/db_janitor.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
