build-x/obj/cgi/h_admin.o: cgi/h_admin.c cgi/contest_rules.h \
 cgi/db_contest.h cgi/db.h cgi/arena.h cgi/stmt.h cgi/db_jury.h \
 cgi/handlers.h cgi/req.h cgi/kv.h cgi/input.h cgi/valid.h cgi/jury.h \
 cgi/csv.h cgi/resp.h
cgi/contest_rules.h:
cgi/db_contest.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
cgi/db_jury.h:
cgi/handlers.h:
cgi/req.h:
cgi/kv.h:
cgi/input.h:
cgi/valid.h:
cgi/jury.h:
cgi/csv.h:
cgi/resp.h:
