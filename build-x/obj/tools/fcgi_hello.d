build-x/obj/tools/fcgi_hello.o: tools/fcgi_hello.c
