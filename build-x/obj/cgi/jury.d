build-x/obj/cgi/jury.o: cgi/jury.c cgi/jury.h cgi/csv.h cgi/arena.h \
 cgi/db.h cgi/stmt.h cgi/db_contest.h cgi/db_jury.h cgi/req.h cgi/kv.h \
 cgi/valid.h cgi/input.h cgi/outcome.h cgi/resp.h
cgi/jury.h:
cgi/csv.h:
cgi/arena.h:
cgi/db.h:
cgi/stmt.h:
cgi/db_contest.h:
cgi/db_jury.h:
cgi/req.h:
cgi/kv.h:
cgi/valid.h:
cgi/input.h:
cgi/outcome.h:
cgi/resp.h:
