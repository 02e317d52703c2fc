build-x/obj/cgi/h_contest.o: cgi/h_contest.c cgi/db_contest.h cgi/db.h \
 cgi/arena.h cgi/stmt.h cgi/handlers.h cgi/req.h cgi/kv.h cgi/input.h \
 cgi/valid.h cgi/resp.h
cgi/db_contest.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
cgi/handlers.h:
cgi/req.h:
cgi/kv.h:
cgi/input.h:
cgi/valid.h:
cgi/resp.h:
