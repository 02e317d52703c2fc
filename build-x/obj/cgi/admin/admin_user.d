build-x/obj/cgi/admin/admin_user.o: cgi/admin/admin_user.c \
 cgi/admin/../db_account.h cgi/admin/../db.h cgi/admin/../arena.h \
 cgi/admin/../stmt.h cgi/admin/../req.h cgi/admin/../kv.h \
 cgi/admin/../db_contest.h cgi/admin/../password.h cgi/admin/../valid.h \
 cgi/admin/admin.h cgi/admin/../arena.h cgi/admin/../db.h \
 cgi/admin/admin_args.h
cgi/admin/../db_account.h:
cgi/admin/../db.h:
cgi/admin/../arena.h:
cgi/admin/../stmt.h:
cgi/admin/../req.h:
cgi/admin/../kv.h:
cgi/admin/../db_contest.h:
cgi/admin/../password.h:
cgi/admin/../valid.h:
cgi/admin/admin.h:
cgi/admin/../arena.h:
cgi/admin/../db.h:
cgi/admin/admin_args.h:
