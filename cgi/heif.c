/*
 * heif.c: HEIC and AVIF uploads.  The probe walks the ISO-BMFF boxes the
 * way a careful reader would: every box inside its parent and the file,
 * each required box exactly once, bounded counts; it trusts nothing that
 * libheif would later trust, so a bomb (a 100000 x 100000 `ispe`) or a
 * truncated file is refused before any codec runs.  The decode is
 * libheif's, in the sandboxed child only (decode.c).
 */
#include "heif.h"

#include <dlfcn.h>
#include <limits.h>
#include <string.h>

#include <libheif/heif.h>

/*
 * libheif is opened at its first use, not linked: it drags in libde265,
 * x265, aom, dav1d and libstdc++, whose loading and constructors cost a
 * process ~14 ms at start (perf: ld.so relocations, page faults, libde265's
 * static tables), paid by every run of netdep-thumb and netdep-admin even
 * for a JPEG.  The server's master opens it once before forking
 * (heif_load), so the workers and the decode children inherit it.
 */
#define HEIF_SONAME "libheif.so.1"
#define HEIF_FUNCS(X)                                                          \
	X(heif_init)                                                           \
	X(heif_context_alloc)                                                  \
	X(heif_context_free)                                                   \
	X(heif_context_get_primary_image_handle)                               \
	X(heif_context_read_from_memory_without_copy)                          \
	X(heif_context_set_max_decoding_threads)                               \
	X(heif_decode_image)                                                   \
	X(heif_decoding_options_alloc)                                         \
	X(heif_decoding_options_free)                                          \
	X(heif_image_get_bits_per_pixel_range)                                 \
	X(heif_image_get_height)                                               \
	X(heif_image_get_plane_readonly)                                       \
	X(heif_image_get_width)                                                \
	X(heif_image_handle_has_alpha_channel)                                 \
	X(heif_image_handle_release)                                           \
	X(heif_image_release)

#define HEIF_FIELD(f) __typeof__(&f) f;
static struct {
	HEIF_FUNCS(HEIF_FIELD)
} H;
static int heif_loaded; /* 0 not tried, 1 loaded, -1 failed */

/* More properties or associations than this: not a photo, a trap. */
#define HEIF_MAX_PROPS 1024

#define FOURCC(a, b, c, d)                                                     \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) |                       \
	 ((uint32_t)(c) << 8) | (uint32_t)(d))

/* One box: its type and payload (after the header). */
struct box {
	uint32_t       type;
	const uint8_t *p;
	size_t         n;
};

/* A bounded reader over one payload. */
struct rd {
	const uint8_t *p;
	size_t         n, i;
	int            bad; /* a read ran past the end */
};

static uint32_t
rd_n(struct rd *r, unsigned bytes)
{
	uint32_t v = 0;

	if (r->bad || r->n - r->i < bytes) {
		r->bad = 1;
		return 0;
	}
	for (unsigned k = 0; k < bytes; k++)
		v = (v << 8) | r->p[r->i++];
	return v;
}

/* A field of 0, 4 or 8 bytes (iloc's offsets and lengths). */
static uint64_t
rd_var(struct rd *r, unsigned bytes)
{
	uint64_t hi;

	if (bytes == 8) {
		hi = rd_n(r, 4);
		return (hi << 32) | rd_n(r, 4);
	}
	return bytes == 4 ? rd_n(r, 4) : 0;
}

static uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

/*
 * The box at *pos of p[0..n): 1 and *out, 0 at the end, -1 when it is
 * malformed or overruns p.  size 0 ("to the end") only where to_end.
 */
static int
box_next(const uint8_t *p, size_t n, size_t *pos, int to_end, struct box *out)
{
	size_t   at = *pos, left = n - *pos, hdr = 8;
	uint64_t size;

	if (left == 0)
		return 0;
	if (left < 8)
		return -1;
	size = be32(p + at);
	out->type = be32(p + at + 4);
	if (size == 1) {
		if (left < 16)
			return -1;
		size = ((uint64_t)be32(p + at + 8) << 32) | be32(p + at + 12);
		hdr = 16;
	} else if (size == 0) {
		if (!to_end)
			return -1;
		size = left;
	}
	if (size < hdr || size > left)
		return -1;
	if (out->type == FOURCC('u', 'u', 'i', 'd'))
		hdr += 16;
	if (size < hdr)
		return -1;
	out->p = p + at + hdr;
	out->n = (size_t)size - hdr;
	*pos = at + (size_t)size;
	return 1;
}

/* The brand families; the major brand decides, see heif_probe(). */
enum family { FAM_NONE, FAM_HEIC, FAM_AVIF, FAM_GENERIC, FAM_SEQ, FAM_LAYERED };

static enum family
brand_family(uint32_t b)
{
	switch (b) {
	case FOURCC('h', 'e', 'i', 'c'):
	case FOURCC('h', 'e', 'i', 'x'):
		return FAM_HEIC;
	case FOURCC('a', 'v', 'i', 'f'):
		return FAM_AVIF;
	case FOURCC('m', 'i', 'f', '1'):
	case FOURCC('m', 'i', 'a', 'f'):
		return FAM_GENERIC;
	case FOURCC('m', 's', 'f', '1'):
	case FOURCC('h', 'e', 'v', 'c'):
	case FOURCC('h', 'e', 'v', 'x'):
	case FOURCC('a', 'v', 'i', 's'):
		return FAM_SEQ;
	case FOURCC('h', 'e', 'i', 'm'):
	case FOURCC('h', 'e', 'i', 's'):
		return FAM_LAYERED;
	default:
		return FAM_NONE;
	}
}

int
heif_sniff(const uint8_t *buf, size_t len)
{
	return buf != NULL && len >= 12 && memcmp(buf + 4, "ftyp", 4) == 0;
}

/*
 * ftyp: the major brand's family; a generic major brand (mif1, miaf)
 * takes the first of heic/heix/avif among the compatible brands, if any.
 */
static enum image_result
parse_ftyp(const struct box *b, enum family *fam)
{
	enum family f;

	if (b->n < 8 || (b->n - 8) % 4 != 0)
		return IMAGE_ERR_CORRUPT;
	f = brand_family(be32(b->p));
	if (f == FAM_NONE) {
		/* Another ISO-BMFF file (MP4, 3GP, JPEG 2000, CR3...). */
		return IMAGE_ERR_UNSUPPORTED;
	}
	for (size_t i = 8; f == FAM_GENERIC && i < b->n; i += 4) {
		enum family c = brand_family(be32(b->p + i));
		if (c == FAM_HEIC || c == FAM_AVIF)
			f = c;
	}
	*fam = f;
	return IMAGE_OK;
}

/* What the meta box says of the file's primary item. */
struct meta {
	uint32_t   primary;   /* pitm */
	uint32_t   item_type; /* the primary item's infe type, 0 if none */
	int        hidden;    /* the primary item's infe is flagged hidden */
	int        protect;   /* ... or protected (encrypted) */
	struct box props[HEIF_MAX_PROPS]; /* ipco's children, 1-based - 1 */
	unsigned   nprops;
	uint16_t   assoc[256]; /* the primary's property indices, in order */
	unsigned   nassoc;
	int        seen_pitm, seen_iinf, seen_ipco, seen_ipma, seen_hdlr;
	struct box iloc, idat; /* n == 0 when absent */
	int        seen_iloc, seen_idat;
	uint32_t   exif_id;            /* the first Exif item, 0 if none */
	uint64_t   exif_off, exif_len; /* its one extent in the file */
};

static enum image_result
parse_pitm(const struct box *b, struct meta *m)
{
	struct rd r = {b->p, b->n, 0, 0};
	uint32_t  v = rd_n(&r, 4) >> 24;

	if (m->seen_pitm++)
		return IMAGE_ERR_CORRUPT;
	m->primary = rd_n(&r, v == 0 ? 2 : 4);
	return r.bad || v > 1 ? IMAGE_ERR_CORRUPT : IMAGE_OK;
}

/* One infe: only the primary item's type and flags matter. */
static enum image_result
parse_infe(const struct box *b, struct meta *m)
{
	struct rd r = {b->p, b->n, 0, 0};
	uint32_t  vf = rd_n(&r, 4), v = vf >> 24, id, prot, type;

	if (v < 2) /* versions 0 and 1 describe no image item */
		return r.bad ? IMAGE_ERR_CORRUPT : IMAGE_OK;
	if (v > 3)
		return IMAGE_ERR_CORRUPT;
	id = rd_n(&r, v == 2 ? 2 : 4);
	prot = rd_n(&r, 2);
	type = rd_n(&r, 4);
	if (r.bad)
		return IMAGE_ERR_CORRUPT;
	if (type == FOURCC('E', 'x', 'i', 'f') && m->exif_id == 0)
		m->exif_id = id;
	if (id == m->primary) {
		if (m->item_type != 0)
			return IMAGE_ERR_CORRUPT; /* two entries, one id */
		m->item_type = type;
		m->hidden = (vf & 1) != 0;
		m->protect = prot != 0;
	}
	return IMAGE_OK;
}

static enum image_result
parse_iinf(const struct box *b, struct meta *m)
{
	struct rd  r = {b->p, b->n, 0, 0};
	uint32_t   v = rd_n(&r, 4) >> 24, count;
	size_t     pos;
	struct box e;
	int        k;

	if (m->seen_iinf++)
		return IMAGE_ERR_CORRUPT;
	count = rd_n(&r, v == 0 ? 2 : 4);
	if (r.bad || v > 1)
		return IMAGE_ERR_CORRUPT;
	pos = r.i;
	for (uint32_t i = 0; i < count; i++) {
		enum image_result res;

		if ((k = box_next(b->p, b->n, &pos, 0, &e)) != 1)
			return IMAGE_ERR_CORRUPT; /* fewer than announced */
		if (e.type != FOURCC('i', 'n', 'f', 'e'))
			return IMAGE_ERR_CORRUPT;
		if ((res = parse_infe(&e, m)) != IMAGE_OK)
			return res;
	}
	return IMAGE_OK;
}

static enum image_result
parse_ipco(const struct box *b, struct meta *m)
{
	size_t pos = 0;
	int    k;

	if (m->seen_ipco++)
		return IMAGE_ERR_CORRUPT;
	while ((k = box_next(b->p, b->n, &pos, 0, &m->props[m->nprops])) == 1)
		if (++m->nprops == HEIF_MAX_PROPS)
			return IMAGE_ERR_CORRUPT;
	return k == 0 ? IMAGE_OK : IMAGE_ERR_CORRUPT;
}

/* ipma: every index within ipco (checked later), the primary's kept. */
static enum image_result
parse_ipma(const struct box *b, struct meta *m)
{
	struct rd r = {b->p, b->n, 0, 0};
	uint32_t  vf = rd_n(&r, 4), v = vf >> 24, count;
	unsigned  isz = (vf & 1) ? 2 : 1, mask = (vf & 1) ? 0x7fff : 0x7f;

	m->seen_ipma++;
	count = rd_n(&r, 4);
	if (r.bad || v > 1)
		return IMAGE_ERR_CORRUPT;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t id = rd_n(&r, v == 0 ? 2 : 4);
		uint32_t na = rd_n(&r, 1);

		for (uint32_t j = 0; j < na; j++) {
			uint32_t idx = rd_n(&r, isz) & mask;

			if (r.bad)
				return IMAGE_ERR_CORRUPT;
			if (idx == 0 || id != m->primary)
				continue;
			if (m->nassoc == sizeof(m->assoc) / sizeof(*m->assoc))
				return IMAGE_ERR_CORRUPT;
			m->assoc[m->nassoc++] = (uint16_t)idx;
		}
		if (r.bad)
			return IMAGE_ERR_CORRUPT;
	}
	return r.i == r.n ? IMAGE_OK : IMAGE_ERR_CORRUPT;
}

static enum image_result
parse_iprp(const struct box *b, struct meta *m)
{
	size_t            pos = 0;
	struct box        c;
	int               k;
	enum image_result res = IMAGE_OK;

	while (res == IMAGE_OK && (k = box_next(b->p, b->n, &pos, 0, &c)) == 1)
		if (c.type == FOURCC('i', 'p', 'c', 'o'))
			res = parse_ipco(&c, m);
		else if (c.type == FOURCC('i', 'p', 'm', 'a'))
			res = parse_ipma(&c, m);
	if (res != IMAGE_OK)
		return res;
	return k == 0 ? IMAGE_OK : IMAGE_ERR_CORRUPT;
}

/*
 * iloc: every extent of every item inside the file (construction method
 * 0) or the idat box (1), so a file cut short, even at a box boundary,
 * is refused here.  Method 2 (data from other items) has no bytes of its
 * own to check.  Notes where the Exif item lies, when in one piece.
 */
static enum image_result
check_iloc(struct meta *m, size_t file_len)
{
	struct rd r = {m->iloc.p, m->iloc.n, 0, 0};
	uint32_t  v = rd_n(&r, 4) >> 24, sz = rd_n(&r, 2), count;
	unsigned  osz = sz >> 12, lsz = (sz >> 8) & 15, bsz = (sz >> 4) & 15;
	unsigned  isz = v >= 1 ? sz & 15 : 0;

	if (r.bad || v > 2)
		return IMAGE_ERR_CORRUPT;
	for (unsigned k = 0; k < 4; k++) {
		unsigned f = k == 0 ? osz : k == 1 ? lsz : k == 2 ? bsz : isz;
		if (f != 0 && f != 4 && f != 8)
			return IMAGE_ERR_CORRUPT;
	}
	count = rd_n(&r, v < 2 ? 2 : 4);
	for (uint32_t i = 0; i < count && !r.bad; i++) {
		uint32_t method = 0, ext, id;
		uint64_t base, room;

		id = rd_n(&r, v < 2 ? 2 : 4);
		if (v >= 1)
			method = rd_n(&r, 2) & 15;
		(void)rd_n(&r, 2); /* data_reference_index */
		base = rd_var(&r, bsz);
		ext = rd_n(&r, 2);
		if (method > 2)
			return IMAGE_ERR_CORRUPT;
		room = method == 0 ? file_len : m->idat.n;
		for (uint32_t e = 0; e < ext && !r.bad; e++) {
			uint64_t off, len;

			(void)rd_var(&r, isz);
			off = rd_var(&r, osz);
			len = rd_var(&r, lsz);
			if (method == 2)
				continue;
			if (base > room || off > room - base ||
			    len > room - base - off)
				return IMAGE_ERR_CORRUPT;
			if (id == m->exif_id && id != 0 && method == 0 &&
			    ext == 1) {
				m->exif_off = base + off;
				m->exif_len = len;
			}
		}
	}
	return r.bad ? IMAGE_ERR_CORRUPT : IMAGE_OK;
}

/* hdlr: a HEIF image file's handler is 'pict'. */
static enum image_result
parse_hdlr(const struct box *b, struct meta *m)
{
	if (m->seen_hdlr++ || b->n < 12)
		return IMAGE_ERR_CORRUPT;
	return be32(b->p + 8) == FOURCC('p', 'i', 'c', 't')
	           ? IMAGE_OK
	           : IMAGE_ERR_UNSUPPORTED;
}

static enum image_result
parse_meta(const struct box *b, struct meta *m)
{
	size_t            pos = 4;
	struct box        c;
	int               k;
	enum image_result res = IMAGE_OK;

	if (b->n < 4 || b->p[0] != 0)
		return IMAGE_ERR_CORRUPT;
	/* pitm first: infe and ipma are read against the primary's id. */
	while ((k = box_next(b->p, b->n, &pos, 0, &c)) == 1)
		if (c.type == FOURCC('p', 'i', 't', 'm') &&
		    (res = parse_pitm(&c, m)) != IMAGE_OK)
			return res;
	if (k != 0 || !m->seen_pitm)
		return IMAGE_ERR_CORRUPT;
	pos = 4;
	while (res == IMAGE_OK && box_next(b->p, b->n, &pos, 0, &c) == 1) {
		switch (c.type) {
		case FOURCC('h', 'd', 'l', 'r'):
			res = parse_hdlr(&c, m);
			break;
		case FOURCC('i', 'i', 'n', 'f'):
			res = parse_iinf(&c, m);
			break;
		case FOURCC('i', 'p', 'r', 'p'):
			res = parse_iprp(&c, m);
			break;
		case FOURCC('i', 'l', 'o', 'c'):
			m->iloc = c;
			res = m->seen_iloc++ ? IMAGE_ERR_CORRUPT : IMAGE_OK;
			break;
		case FOURCC('i', 'd', 'a', 't'):
			m->idat = c;
			res = m->seen_idat++ ? IMAGE_ERR_CORRUPT : IMAGE_OK;
			break;
		default:
			break;
		}
	}
	if (res != IMAGE_OK)
		return res;
	if (!m->seen_hdlr || !m->seen_iinf || !m->seen_ipco || !m->seen_ipma ||
	    !m->seen_iloc)
		return IMAGE_ERR_CORRUPT;
	return IMAGE_OK;
}

/* An ispe's size; 0 when malformed. */
static int
ispe_size(const struct box *p, uint32_t *w, uint32_t *h)
{
	if (p->n != 12 || be32(p->p) != 0)
		return 0;
	*w = be32(p->p + 4);
	*h = be32(p->p + 8);
	return *w != 0 && *h != 0;
}

/* A clap's rounded size, as libheif computes it; 0 when malformed. */
static int
clap_size(const struct box *p, uint32_t *w, uint32_t *h)
{
	uint32_t wn, wd, hn, hd;

	if (p->n != 32)
		return 0;
	wn = be32(p->p);
	wd = be32(p->p + 4);
	hn = be32(p->p + 8);
	hd = be32(p->p + 12);
	if (wd == 0 || hd == 0 || wn > INT32_MAX || hn > INT32_MAX)
		return 0;
	*w = (uint32_t)(((uint64_t)wn + wd / 2) / wd);
	*h = (uint32_t)(((uint64_t)hn + hd / 2) / hd);
	return *w != 0 && *h != 0;
}

/*
 * The primary item's size and its transforms, applied in ipma order as
 * libheif does; every ispe in the file no larger than the primary's.
 */
static enum image_result
primary_geometry(const struct meta *m, struct image_info *out)
{
	uint32_t w = 0, h = 0, cw, ch, t;
	int      seen_ispe = 0;

	for (unsigned i = 0; i < m->nassoc; i++) {
		const struct box *p;

		if (m->assoc[i] > m->nprops)
			return IMAGE_ERR_CORRUPT;
		p = &m->props[m->assoc[i] - 1];
		switch (p->type) {
		case FOURCC('i', 's', 'p', 'e'):
			if (seen_ispe++ ||
			    !ispe_size(p, &out->width, &out->height))
				return IMAGE_ERR_CORRUPT;
			w = out->width;
			h = out->height;
			break;
		case FOURCC('c', 'l', 'a', 'p'):
			if (!seen_ispe || !clap_size(p, &cw, &ch))
				return IMAGE_ERR_CORRUPT;
			if (cw > w || ch > h)
				return IMAGE_ERR_CORRUPT;
			w = cw;
			h = ch;
			break;
		case FOURCC('i', 'r', 'o', 't'):
			if (p->n != 1)
				return IMAGE_ERR_CORRUPT;
			if (p->p[0] & 1) {
				t = w;
				w = h;
				h = t;
			}
			break;
		case FOURCC('i', 'm', 'i', 'r'):
			if (p->n != 1)
				return IMAGE_ERR_CORRUPT;
			break;
		default:
			break;
		}
	}
	if (!seen_ispe)
		return IMAGE_ERR_CORRUPT;
	out->oriented_width = w;
	out->oriented_height = h;
	for (unsigned i = 0; i < m->nprops; i++) {
		uint32_t iw, ih;

		if (m->props[i].type != FOURCC('i', 's', 'p', 'e'))
			continue;
		if (!ispe_size(&m->props[i], &iw, &ih))
			return IMAGE_ERR_CORRUPT;
		if ((uint64_t)iw * ih > (uint64_t)out->width * out->height)
			return IMAGE_ERR_TOO_LARGE;
	}
	return IMAGE_OK;
}

/* An auxC naming an alpha plane (HEVC's or MPEG-B's URN). */
static int
has_alpha_aux(const struct meta *m)
{
	static const char *const urns[] = {
	    "urn:mpeg:hevc:2015:auxid:1",
	    "urn:mpeg:mpegB:cicp:systems:auxiliary:alpha",
	};

	for (unsigned i = 0; i < m->nprops; i++) {
		const struct box *p = &m->props[i];

		if (p->type != FOURCC('a', 'u', 'x', 'C') || p->n < 5)
			continue;
		for (size_t u = 0; u < sizeof(urns) / sizeof(*urns); u++)
			if (strnlen((const char *)p->p + 4, p->n - 4) ==
			        strlen(urns[u]) &&
			    memcmp(p->p + 4, urns[u], strlen(urns[u])) == 0)
				return 1;
	}
	return 0;
}

/*
 * The Exif item, for the judges' camera and date taken (image.h's EXIF
 * fields): a 4-byte offset to the TIFF header, then the block.  Its
 * orientation is ignored: irot and imir say how to show a HEIF, and
 * libheif applies them.
 */
static void
exif_item(const uint8_t *buf, const struct meta *m, struct image_info *out)
{
	const uint8_t *p = buf + m->exif_off;
	uint64_t       n = m->exif_len, skip;

	if (m->exif_len < 4)
		return;
	skip = be32(p);
	if (skip > n - 4)
		return;
	out->has_exif = image_exif_parse(p + 4 + skip, (size_t)(n - 4 - skip),
	                                 &out->exif) == 0;
	out->exif.orientation = 1;
}

/* The type from the family and the primary item's coding. */
static enum image_result
item_type(enum family fam, uint32_t type, enum image_type *out)
{
	switch (type) {
	case FOURCC('h', 'v', 'c', '1'):
		*out = IMAGE_HEIC;
		return fam == FAM_AVIF ? IMAGE_ERR_CORRUPT : IMAGE_OK;
	case FOURCC('a', 'v', '0', '1'):
		*out = IMAGE_AVIF;
		return fam == FAM_HEIC ? IMAGE_ERR_CORRUPT : IMAGE_OK;
	case FOURCC('g', 'r', 'i', 'd'):
	case FOURCC('i', 'd', 'e', 'n'):
	case FOURCC('i', 'o', 'v', 'l'):
		/* Derived images: the brand says what their tiles are. */
		if (fam == FAM_GENERIC)
			return IMAGE_ERR_VARIANT;
		*out = fam == FAM_HEIC ? IMAGE_HEIC : IMAGE_AVIF;
		return IMAGE_OK;
	default:
		/* JPEG, uncompressed, VVC items...: not what a phone sends. */
		return IMAGE_ERR_VARIANT;
	}
}

enum image_result
heif_probe(const uint8_t *buf, size_t len, struct image_info *out)
{
	struct meta       m; /* 24 KiB of stack: reentrant, no heap */
	struct box        b;
	size_t            pos = 0;
	int               k, seen_meta = 0;
	enum family       fam = FAM_NONE;
	enum image_result r;

	if (!heif_sniff(buf, len))
		return IMAGE_ERR_UNSUPPORTED;
	memset(&m, 0, sizeof(m));
	/* The first box is ftyp (heif_sniff); every top-level box must fit
	 * the file: a truncated upload is refused here, before any codec. */
	while ((k = box_next(buf, len, &pos, 1, &b)) == 1) {
		if (b.type == FOURCC('f', 't', 'y', 'p')) {
			if (fam != FAM_NONE)
				return IMAGE_ERR_CORRUPT; /* a second one */
			if ((r = parse_ftyp(&b, &fam)) != IMAGE_OK)
				return r;
			if (fam == FAM_SEQ)
				return IMAGE_ERR_ANIMATED;
			if (fam == FAM_LAYERED)
				return IMAGE_ERR_VARIANT;
		} else if (b.type == FOURCC('m', 'e', 't', 'a')) {
			if (fam == FAM_NONE || seen_meta++)
				return IMAGE_ERR_CORRUPT;
			if ((r = parse_meta(&b, &m)) != IMAGE_OK)
				return r;
		}
	}
	if (k != 0 || fam == FAM_NONE)
		return fam == FAM_NONE ? IMAGE_ERR_UNSUPPORTED
		                       : IMAGE_ERR_CORRUPT;
	if (!seen_meta || m.item_type == 0 || m.hidden ||
	    check_iloc(&m, len) != IMAGE_OK)
		return IMAGE_ERR_CORRUPT;
	if (m.protect)
		return IMAGE_ERR_VARIANT;
	if ((r = item_type(fam, m.item_type, &out->type)) != IMAGE_OK ||
	    (r = primary_geometry(&m, out)) != IMAGE_OK)
		return r;
	out->has_alpha = (uint8_t)has_alpha_aux(&m);
	exif_item(buf, &m, out);
	return IMAGE_OK;
}

/* ---------------------------------------------------------------------- */
/* Decoding, in the sandbox only */

#define HEIF_SYM(f)                                                            \
	if ((*(void **)(&H.f) = dlsym(lib, #f)) == NULL)                       \
		ok = 0;

int
heif_load(void)
{
	void *lib;
	int   ok = 1;

	if (heif_loaded != 0)
		return heif_loaded > 0 ? 0 : -1;
	heif_loaded = -1;
	if ((lib = dlopen(HEIF_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return -1;
	HEIF_FUNCS(HEIF_SYM)
	if (!ok) {
		dlclose(lib);
		return -1;
	}
	heif_loaded = 1;
	return 0;
}

void
heif_preload(void)
{
	static int done;

	if (!done && heif_load() == 0) {
		done = 1;
		(void)H.heif_init(NULL);
	}
}

static enum image_result
heif_err(struct heif_error e)
{
	switch (e.code) {
	case heif_error_Ok:
		return IMAGE_OK;
	case heif_error_Memory_allocation_error:
		return IMAGE_ERR_NOMEM;
	case heif_error_Unsupported_feature:
	case heif_error_Unsupported_filetype:
		return IMAGE_ERR_VARIANT;
	default:
		return IMAGE_ERR_DECODE;
	}
}

/*
 * Copies libheif's interleaved RGB(A) rows into a new truecolor image,
 * averaging k x k blocks (k = 1, 2, 4 or 8) on the way, as libjpeg's DCT
 * scaling does for a JPEG: a 12 MP photo bound for 1600 px becomes a
 * 3 MP image at once, a quarter of the memory and of the resampling.
 */
static enum image_result
to_gd(const struct heif_image *img, int alpha, uint32_t w, uint32_t h,
      uint32_t k, gdImagePtr *out)
{
	int            stride = 0;
	const uint8_t *px = H.heif_image_get_plane_readonly(
	    img, heif_channel_interleaved, &stride);
	size_t     step = alpha ? 4 : 3;
	uint32_t   ow = w / k, oh = h / k, n = k * k;
	gdImagePtr im;

	if (px == NULL || stride < 0 || (size_t)stride < step * w)
		return IMAGE_ERR_DECODE;
	if ((im = gdImageCreateTrueColor((int)ow, (int)oh)) == NULL)
		return IMAGE_ERR_NOMEM;
	for (uint32_t y = 0; y < oh; y++) {
		int *d = im->tpixels[y];

		for (uint32_t x = 0; x < ow; x++) {
			uint32_t sum[4] = {0, 0, 0, 0};

			for (uint32_t dy = 0; dy < k; dy++) {
				const uint8_t *s =
				    px + (size_t)(y * k + dy) * (size_t)stride +
				    (size_t)x * k * step;

				for (uint32_t dx = 0; dx < k; dx++, s += step) {
					sum[0] += s[0];
					sum[1] += s[1];
					sum[2] += s[2];
					sum[3] += alpha ? s[3] : 255u;
				}
			}
			d[x] = gdTrueColorAlpha(
			    (sum[0] + n / 2) / n, (sum[1] + n / 2) / n,
			    (sum[2] + n / 2) / n,
			    127 - (int)(((sum[3] + n / 2) / n) >> 1));
		}
	}
	*out = im;
	return IMAGE_OK;
}

/* The largest of 1, 2, 4, 8 that keeps w x h at least need_w x need_h. */
static uint32_t
shrink_for(uint32_t w, uint32_t h, uint32_t need_w, uint32_t need_h)
{
	uint32_t k = 1;

	if (need_w == 0 && need_h == 0)
		return 1;
	while (k < 8 && w / (k * 2) >= need_w && h / (k * 2) >= need_h &&
	       w / (k * 2) > 0 && h / (k * 2) > 0)
		k *= 2;
	return k;
}

enum image_result
heif_decode(const uint8_t *buf, size_t len, const struct image_info *info,
            uint32_t need_w, uint32_t need_h, gdImagePtr *out)
{
	struct heif_context          *ctx;
	struct heif_image_handle     *h = NULL;
	struct heif_image            *img = NULL;
	struct heif_decoding_options *opt = NULL;
	enum image_result             r;
	int                           alpha;

	*out = NULL;
	if (len > INT_MAX || info->oriented_width > INT_MAX / 4 ||
	    info->oriented_height > INT_MAX / 4)
		return IMAGE_ERR_TOO_LARGE;
	heif_preload();
	if (heif_loaded <= 0)
		return IMAGE_ERR_VARIANT; /* no libheif on this machine */
	if ((ctx = H.heif_context_alloc()) == NULL)
		return IMAGE_ERR_NOMEM;
	/* Tiles on this thread: no pool of libheif's own in the sandbox. */
	H.heif_context_set_max_decoding_threads(ctx, 0);
	if ((r = heif_err(H.heif_context_read_from_memory_without_copy(
	         ctx, buf, len, NULL))) != IMAGE_OK ||
	    (r = heif_err(H.heif_context_get_primary_image_handle(ctx, &h))) !=
	        IMAGE_OK)
		goto out;
	if ((opt = H.heif_decoding_options_alloc()) == NULL) {
		r = IMAGE_ERR_NOMEM;
		goto out;
	}
	opt->convert_hdr_to_8bit = 1; /* 10- and 12-bit to 8 */
	alpha = H.heif_image_handle_has_alpha_channel(h);
	r = heif_err(H.heif_decode_image(h, &img, heif_colorspace_RGB,
	                                 alpha ? heif_chroma_interleaved_RGBA
	                                       : heif_chroma_interleaved_RGB,
	                                 opt));
	if (r != IMAGE_OK)
		goto out;
	/* The probe's geometry is the one the limits were checked on. */
	if ((uint32_t)H.heif_image_get_width(img, heif_channel_interleaved) !=
	        info->oriented_width ||
	    (uint32_t)H.heif_image_get_height(img, heif_channel_interleaved) !=
	        info->oriented_height ||
	    H.heif_image_get_bits_per_pixel_range(
	        img, heif_channel_interleaved) != 8) {
		r = IMAGE_ERR_DECODE;
		goto out;
	}
	r = to_gd(img, alpha, info->oriented_width, info->oriented_height,
	          shrink_for(info->oriented_width, info->oriented_height,
	                     need_w, need_h),
	          out);
out:
	if (img != NULL)
		H.heif_image_release(img);
	if (opt != NULL)
		H.heif_decoding_options_free(opt);
	if (h != NULL)
		H.heif_image_handle_release(h);
	H.heif_context_free(ctx);
	return r;
}
