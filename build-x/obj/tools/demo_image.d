build-x/obj/tools/demo_image.o: tools/demo_image.c
