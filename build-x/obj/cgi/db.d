build-x/obj/cgi/db.o: cgi/db.c cgi/db.h cgi/arena.h cgi/stmt.h \
 /usr/include/postgresql/libpq-fe.h \
 /usr/include/postgresql/postgres_ext.h \
 /usr/include/postgresql/pg_config_ext.h cgi/log.h
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
/usr/include/postgresql/libpq-fe.h:
/usr/include/postgresql/postgres_ext.h:
/usr/include/postgresql/pg_config_ext.h:
cgi/log.h:
