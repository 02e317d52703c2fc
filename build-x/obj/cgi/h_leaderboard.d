build-x/obj/cgi/h_leaderboard.o: cgi/h_leaderboard.c cgi/auth.h cgi/req.h \
 cgi/arena.h cgi/kv.h cgi/boards.h cgi/db_vote.h cgi/db.h cgi/stmt.h \
 cgi/handlers.h cgi/input.h cgi/valid.h cgi/jury.h cgi/csv.h \
 cgi/db_contest.h cgi/db_jury.h cgi/resp.h cgi/router.h
cgi/auth.h:
cgi/req.h:
cgi/arena.h:
cgi/kv.h:
cgi/boards.h:
cgi/db_vote.h:
cgi/db.h:
cgi/stmt.h:
cgi/handlers.h:
cgi/input.h:
cgi/valid.h:
cgi/jury.h:
cgi/csv.h:
cgi/db_contest.h:
cgi/db_jury.h:
cgi/resp.h:
cgi/router.h:
