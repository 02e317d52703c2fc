build-x/obj/cgi/h_vote.o: cgi/h_vote.c cgi/db_vote.h cgi/db.h cgi/arena.h \
 cgi/stmt.h cgi/handlers.h cgi/req.h cgi/kv.h cgi/input.h cgi/valid.h \
 cgi/outcome.h cgi/resp.h
cgi/db_vote.h:
cgi/db.h:
cgi/arena.h:
cgi/stmt.h:
cgi/handlers.h:
cgi/req.h:
cgi/kv.h:
cgi/input.h:
cgi/valid.h:
cgi/outcome.h:
cgi/resp.h:
