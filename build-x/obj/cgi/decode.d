build-x/obj/cgi/decode.o: cgi/decode.c cgi/decode.h cgi/image.h cgi/log.h \
 cgi/slots.h cgi/store.h
cgi/decode.h:
cgi/image.h:
cgi/log.h:
cgi/slots.h:
cgi/store.h:
