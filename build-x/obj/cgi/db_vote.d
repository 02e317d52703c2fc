build-x/obj/cgi/db_vote.o: cgi/db_vote.c cgi/db_vote.h cgi/db.h \
 cgi/arena.h cgi/stmt.h cgi/sqlfrag.h
cgi/db_vote.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
cgi/sqlfrag.h:
