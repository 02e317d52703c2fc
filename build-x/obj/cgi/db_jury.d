build-x/obj/cgi/db_jury.o: cgi/db_jury.c cgi/db_jury.h cgi/db.h \
 cgi/arena.h cgi/stmt.h cgi/sqlfrag.h
cgi/db_jury.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
cgi/sqlfrag.h:
