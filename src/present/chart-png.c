/* chart-png.c — a fast PNG encoder for cairo image surfaces (flat-colour charts) */
#include "kkr/chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
#include <zlib.h>

#include "kkr/output.h"

#include "chart-private.h"

/* PNG writer for the image surface. cairo's own goes through libpng's adaptive filtering at
 * the default zlib level, which took half of kkr chart's time; a chart is flat colour, so a
 * cheap per-row choice (Up for a row like the one above, else Sub) with a fast deflate level
 * is some 15 % larger and several times faster. Also records the resolution (pHYs). */
struct png_out {
    FILE *fp;
    bool ok;
};

static void be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void png_chunk(struct png_out *o, const char *type, const unsigned char *data,
                      size_t len)
{
    unsigned char head[8];
    be32(head, (uint32_t)len);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0L, (const Bytef *)type, 4);
    if (len > 0)
        crc = crc32(crc, data, (uInt)len);
    unsigned char tail[4];
    be32(tail, (uint32_t)crc);
    if (fwrite(head, 1, 8, o->fp) != 8 || (len > 0 && fwrite(data, 1, len, o->fp) != len) ||
        fwrite(tail, 1, 4, o->fp) != 4)
        o->ok = false;
}

bool chart_png_write(cairo_surface_t *img, double dpi, FILE *fp)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    struct png_out o = {fp, fwrite(sig, 1, 8, fp) == 8};
    cairo_surface_flush(img);
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *data = cairo_image_surface_get_data(img);
    unsigned char ihdr[13];
    be32(ihdr, (uint32_t)w);
    be32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8;  /* bits per sample */
    ihdr[9] = 2;  /* RGB */
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    png_chunk(&o, "IHDR", ihdr, sizeof ihdr);
    unsigned char phys[9];
    uint32_t ppm = (uint32_t)lround(dpi / 0.0254);
    be32(phys, ppm);
    be32(phys + 4, ppm);
    phys[8] = 1; /* metres */
    png_chunk(&o, "pHYs", phys, sizeof phys);

    size_t row_len = (size_t)w * 3 + 1;
    unsigned char *rows = malloc(row_len * 2 + 1); /* + 1: the Sub loop's 4-byte stores */
    size_t cap = 1 << 17;
    unsigned char *zbuf = malloc(cap);
    z_stream z;
    memset(&z, 0, sizeof z);
    bool zok = rows && zbuf &&
               deflateInit2(&z, 2, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    if (!zok) {
        free(rows);
        free(zbuf);
        return false;
    }
    unsigned char *cur = rows, *prev = rows + row_len;
    for (int y = 0; y <= h && o.ok; y++) {
        int flush = y == h ? Z_FINISH : Z_NO_FLUSH;
        if (y < h) {
            const uint32_t *px = (const uint32_t *)(data + (size_t)y * stride);
            const uint32_t *up = y > 0 ? (const uint32_t *)(data + (size_t)(y - 1) * stride)
                                       : NULL;
            bool same = up && memcmp(px, up, (size_t)w * 4) == 0;
            unsigned char *r = cur + 1;
            if (same) { /* Up: every byte minus the one above is zero */
                cur[0] = 2;
                memset(r, 0, (size_t)w * 3);
            } else {    /* Sub: each byte minus the one three to the left (0 left of x = 0) */
                cur[0] = 1;
                uint32_t left = 0;
                for (int x = 0; x < w; x++, r += 3) {
                    uint32_t p = px[x];
                    /* byte-wise differences; the low byte of a difference depends only on
                     * the low bytes. Four bytes stored, the fourth overwritten next (the row
                     * buffer has one spare byte). */
                    uint32_t dr = ((p >> 16) - (left >> 16)) & 0xff;
                    uint32_t dg = ((p >> 8) - (left >> 8)) & 0xff;
                    uint32_t db = (p - left) & 0xff;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
                    uint32_t d = dr << 24 | dg << 16 | db << 8;
#else
                    uint32_t d = dr | dg << 8 | db << 16;
#endif
                    memcpy(r, &d, 4);
                    left = p;
                }
            }
            z.next_in = cur;
            z.avail_in = (uInt)row_len;
        }
        do {
            z.next_out = zbuf;
            z.avail_out = (uInt)cap;
            if (deflate(&z, flush) == Z_STREAM_ERROR) {
                o.ok = false;
                break;
            }
            size_t have = cap - z.avail_out;
            if (have > 0)
                png_chunk(&o, "IDAT", zbuf, have);
        } while (z.avail_out == 0); /* as zpipe.c: at Z_FINISH this ends the stream */
        unsigned char *t = cur;
        cur = prev;
        prev = t;
    }
    deflateEnd(&z);
    free(rows);
    free(zbuf);
    png_chunk(&o, "IEND", NULL, 0);
    return o.ok;
}
