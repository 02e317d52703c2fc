build-x/obj/cgi/db_contest.o: cgi/db_contest.c cgi/db_contest.h cgi/db.h \
 cgi/arena.h cgi/stmt.h cgi/contest_rules.h cgi/sqlfrag.h
cgi/db_contest.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
cgi/contest_rules.h:
cgi/sqlfrag.h:
