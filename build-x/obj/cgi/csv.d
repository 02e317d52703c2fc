build-x/obj/cgi/csv.o: cgi/csv.c cgi/csv.h cgi/arena.h
cgi/csv.h:
cgi/arena.h:
