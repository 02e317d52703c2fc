build-x/obj/cgi/fold.o: cgi/fold.c cgi/fold.h cgi/arena.h cgi/config.h \
 cgi/db_account.h cgi/db.h cgi/stmt.h cgi/req.h cgi/kv.h cgi/db_vote.h \
 cgi/log.h
cgi/fold.h:
cgi/arena.h:
cgi/config.h:
cgi/db_account.h:
cgi/db.h:
cgi/stmt.h:
cgi/req.h:
cgi/kv.h:
cgi/db_vote.h:
cgi/log.h:
