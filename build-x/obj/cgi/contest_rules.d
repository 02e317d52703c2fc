build-x/obj/cgi/contest_rules.o: cgi/contest_rules.c cgi/contest_rules.h
cgi/contest_rules.h:
