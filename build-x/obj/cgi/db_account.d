build-x/obj/cgi/db_account.o: cgi/db_account.c cgi/db_account.h cgi/db.h \
 cgi/arena.h cgi/stmt.h cgi/req.h cgi/kv.h
cgi/db_account.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
cgi/req.h:
cgi/kv.h:
