build-x/obj/cgi/admin/admin_contest.o: cgi/admin/admin_contest.c \
 cgi/admin/../contest_rules.h cgi/admin/../db_contest.h cgi/admin/../db.h \
 cgi/admin/../arena.h cgi/admin/../stmt.h cgi/admin/../valid.h \
 cgi/admin/../kv.h cgi/admin/admin.h cgi/admin/../arena.h \
 cgi/admin/../db.h cgi/admin/admin_args.h
cgi/admin/../contest_rules.h:
cgi/admin/../db_contest.h:
cgi/admin/../db.h:
cgi/admin/../arena.h:
cgi/admin/../stmt.h:
cgi/admin/../valid.h:
cgi/admin/../kv.h:
cgi/admin/admin.h:
cgi/admin/../arena.h:
cgi/admin/../db.h:
cgi/admin/admin_args.h:
