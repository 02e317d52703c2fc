build-x/obj/cgi/h_results.o: cgi/h_results.c cgi/auth.h cgi/req.h \
 cgi/arena.h cgi/kv.h cgi/db_jury.h cgi/db.h cgi/stmt.h cgi/handlers.h \
 cgi/input.h cgi/valid.h cgi/jury.h cgi/csv.h cgi/db_contest.h cgi/resp.h
cgi/auth.h:
cgi/req.h:
cgi/arena.h:
cgi/kv.h:
cgi/db_jury.h:
cgi/db.h:
cgi/stmt.h:
cgi/handlers.h:
cgi/input.h:
cgi/valid.h:
cgi/jury.h:
cgi/csv.h:
cgi/db_contest.h:
cgi/resp.h:
