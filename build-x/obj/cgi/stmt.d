build-x/obj/cgi/stmt.o: cgi/stmt.c cgi/stmt.h cgi/db.h cgi/arena.h \
 cgi/db_account.h cgi/req.h cgi/kv.h cgi/db_contest.h cgi/db_entry.h \
 cgi/gallery.h cgi/db_janitor.h cgi/db_jury.h cgi/db_vote.h
cgi/stmt.h:
cgi/db.h:
cgi/arena.h:
cgi/db_account.h:
cgi/req.h:
cgi/kv.h:
cgi/db_contest.h:
cgi/db_entry.h:
cgi/gallery.h:
cgi/db_janitor.h:
cgi/db_jury.h:
cgi/db_vote.h:
