build-x/obj/cgi/h_jury.o: cgi/h_jury.c cgi/db_jury.h cgi/db.h cgi/arena.h \
 cgi/stmt.h cgi/handlers.h cgi/req.h cgi/kv.h cgi/input.h cgi/valid.h \
 cgi/jury.h cgi/csv.h cgi/db_contest.h cgi/resp.h
cgi/db_jury.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
cgi/handlers.h:
cgi/req.h:
cgi/kv.h:
cgi/input.h:
cgi/valid.h:
cgi/jury.h:
cgi/csv.h:
cgi/db_contest.h:
cgi/resp.h:
