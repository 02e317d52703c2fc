/*
 * resample.h: the area resample behind every derivative (image.c).
 */
#ifndef NETDEP_RESAMPLE_H
#define NETDEP_RESAMPLE_H

#include <gd.h>

/*
 * Rows [y0, y1) of dst, a w x h resample of the truecolor image src: each
 * pixel the mean of the part of src its area covers, every source pixel
 * weighted by how much of it lies inside (gdImageCopyResampled's box
 * filter), colour weighted by opacity (a transparent pixel lends no
 * colour) and alpha by area.  dst is truecolor, w x h; rows outside
 * [y0, y1) are not touched, so two threads may fill two bands of one
 * dst.  0, or -1 when out of memory (dst's rows then undefined).
 */
int resample_rows(gdImagePtr dst, gdImagePtr src, int y0, int y1);

/* The same from the sw x sh rectangle of src at (sx, sy), which must lie
 * inside src (the share card's crop). */
int resample_region(gdImagePtr dst, gdImagePtr src, int sx, int sy, int sw,
                    int sh, int y0, int y1);

#endif
