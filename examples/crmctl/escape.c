/*
 * crmctl - text shown to a person, with nothing in it a terminal acts on
 * (the form is described in escape.h).
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <string.h>

#include "escape.h"

size_t ctl_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char c = p[0];
    size_t n;
    uint32_t v;
    /* The second byte's range is what rules out overlong forms (E0, F0),
     * surrogates (ED) and code points past U+10FFFF (F4). */
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (len < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    *cp = v;
    return n;
}

int ctl_char_is_escaped(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F ||               /* C0 controls, DEL */
           (cp >= 0x80 && cp <= 0x9F) ||            /* C1 controls: U+009B is a CSI */
           cp == 0x061C ||                          /* Arabic letter mark */
           cp == 0x200E || cp == 0x200F ||          /* left-to-right, right-to-left marks */
           (cp >= 0x202A && cp <= 0x202E) ||        /* embeddings, overrides, their pop */
           (cp >= 0x2066 && cp <= 0x2069) ||        /* isolates, their pop */
           cp == 0x2028 || cp == 0x2029;            /* line and paragraph separators */
}

static const char hex[] = "0123456789abcdef";

size_t ctl_escape_piece(char piece[CTL_ESC_PIECE_MAX], const char *s, size_t len, size_t *used,
                        unsigned int flags)
{
    uint32_t cp;
    size_t n = ctl_utf8_decode(s, len, &cp);
    if (n == 0) {
        /* Not UTF-8: this byte alone, and the next one starts afresh. */
        unsigned char b = (unsigned char)s[0];
        *used = 1;
        piece[0] = '\\';
        piece[1] = 'x';
        piece[2] = hex[b >> 4];
        piece[3] = hex[b & 0xF];
        return 4;
    }
    *used = n;
    if (cp == '\\') {
        piece[0] = piece[1] = '\\';
        return flags & CTL_ESC_MESSAGE ? 1 : 2;
    }
    if (!ctl_char_is_escaped(cp) || ((flags & CTL_ESC_LINES) && (cp == '\n' || cp == '\t'))) {
        memcpy(piece, s, n);
        return n;
    }
    piece[0] = '\\';
    switch (cp) {
    case '\n': piece[1] = 'n'; return 2;
    case '\t': piece[1] = 't'; return 2;
    case '\r': piece[1] = 'r'; return 2;
    default: break;
    }
    if (cp < 0x80) {
        piece[1] = 'x';
        piece[2] = hex[cp >> 4];
        piece[3] = hex[cp & 0xF];
        return 4;
    }
    piece[1] = 'u';
    for (int i = 0; i < 4; i++)
        piece[2 + i] = hex[(cp >> (12 - 4 * i)) & 0xF];
    return 6;
}

void ctl_escape_write(FILE *f, const char *s, size_t len, unsigned int flags)
{
    char piece[CTL_ESC_PIECE_MAX];
    size_t used;
    for (size_t i = 0; i < len; i += used)
        fwrite(piece, 1, ctl_escape_piece(piece, s + i, len - i, &used, flags), f);
}

size_t ctl_escape_width(const char *s, size_t len, unsigned int flags)
{
    char piece[CTL_ESC_PIECE_MAX];
    size_t used, width = 0;
    for (size_t i = 0; i < len; i += used) {
        size_t n = ctl_escape_piece(piece, s + i, len - i, &used, flags);
        /* An escape is ASCII, one column a byte; anything kept is one
         * character. */
        width += (unsigned char)piece[0] < 0x80 ? n : 1;
    }
    return width;
}

/* ---- printf ---------------------------------------------------------------- */

/* Write s (n bytes) escaped, padded with spaces to width characters. */
static void put_padded(FILE *f, const char *s, size_t n, int width, int left)
{
    size_t w = ctl_escape_width(s, n, 0);
    size_t pad = width > 0 && (size_t)width > w ? (size_t)width - w : 0;
    if (!left)
        fprintf(f, "%*s", (int)pad, "");
    ctl_escape_write(f, s, n, 0);
    if (left)
        fprintf(f, "%*s", (int)pad, "");
}

void ctl_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ctl_vfprintf(stdout, fmt, ap);
    va_end(ap);
}

void ctl_fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ctl_vfprintf(f, fmt, ap);
    va_end(ap);
}

void ctl_vfprintf(FILE *f, const char *fmt, va_list ap)
{
    const char *p = fmt;
    while (*p) {
        if (*p != '%') {
            size_t n = strcspn(p, "%");
            fwrite(p, 1, n, f);
            p += n;
            continue;
        }
        if (p[1] == '%') {
            fputc('%', f);
            p += 2;
            continue;
        }
        /* %[flags][width][.precision][length]conversion, with every '*'
         * read here so that the C library is handed one plain value. */
        const char *start = p++;
        char flags[8];
        size_t nflags = 0;
        int left = 0, width = -1, prec = -1;
        while (*p && strchr("-+ #0", *p)) {
            left |= *p == '-';
            if (nflags < sizeof flags - 1)
                flags[nflags++] = *p;
            p++;
        }
        flags[nflags] = '\0';
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = 1;
                width = -width;
            }
            p++;
        } else if (*p >= '0' && *p <= '9') {
            for (width = 0; *p >= '0' && *p <= '9'; p++)
                width = width * 10 + (*p - '0');
        }
        if (*p == '.') {
            p++;
            if (*p == '*') {
                prec = va_arg(ap, int); /* negative: as if none was given */
                p++;
            } else {
                for (prec = 0; *p >= '0' && *p <= '9'; p++)
                    prec = prec * 10 + (*p - '0');
            }
        }
        char length[3] = "";
        if ((p[0] == 'h' && p[1] == 'h') || (p[0] == 'l' && p[1] == 'l')) {
            memcpy(length, p, 2);
            p += 2;
        } else if (*p && strchr("hljztL", *p)) {
            length[0] = *p++;
        }
        char conv = *p ? *p++ : '\0';

        /* The conversion for the C library, its width and precision as numbers. */
        char spec[48], num[16] = "", dot[16] = "";
        if (width >= 0)
            snprintf(num, sizeof num, "%d", width);
        if (prec >= 0)
            snprintf(dot, sizeof dot, ".%d", prec);
        int is_int = conv && strchr("diouxX", conv);
        snprintf(spec, sizeof spec, "%%%s%s%s%s%c", flags, num, dot,
                 is_int ? "j" : length, conv ? conv : '?');

        if (conv == 's' && !length[0]) {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            size_t n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
            put_padded(f, s, n, width, left);
        } else if (conv == 'c' && !length[0]) {
            char c = (char)va_arg(ap, int);
            put_padded(f, &c, 1, width, left);
        } else if (conv == 'd' || conv == 'i') {
            intmax_t v;
            if (strcmp(length, "ll") == 0)
                v = va_arg(ap, long long);
            else if (strcmp(length, "l") == 0)
                v = va_arg(ap, long);
            else if (strcmp(length, "j") == 0)
                v = va_arg(ap, intmax_t);
            else if (strcmp(length, "z") == 0)
                v = (intmax_t)va_arg(ap, size_t);
            else if (strcmp(length, "t") == 0)
                v = va_arg(ap, ptrdiff_t);
            else if (strcmp(length, "hh") == 0)
                v = (signed char)va_arg(ap, int);
            else if (strcmp(length, "h") == 0)
                v = (short)va_arg(ap, int);
            else
                v = va_arg(ap, int);
            fprintf(f, spec, v);
        } else if (is_int) {
            uintmax_t v;
            if (strcmp(length, "ll") == 0)
                v = va_arg(ap, unsigned long long);
            else if (strcmp(length, "l") == 0)
                v = va_arg(ap, unsigned long);
            else if (strcmp(length, "j") == 0)
                v = va_arg(ap, uintmax_t);
            else if (strcmp(length, "z") == 0)
                v = va_arg(ap, size_t);
            else if (strcmp(length, "t") == 0)
                v = (uintmax_t)va_arg(ap, ptrdiff_t);
            else if (strcmp(length, "hh") == 0)
                v = (unsigned char)va_arg(ap, unsigned int);
            else if (strcmp(length, "h") == 0)
                v = (unsigned short)va_arg(ap, unsigned int);
            else
                v = va_arg(ap, unsigned int);
            fprintf(f, spec, v);
        } else if (conv && strchr("fFeEgGaA", conv)) {
            if (length[0] == 'L')
                fprintf(f, spec, va_arg(ap, long double));
            else
                fprintf(f, spec, va_arg(ap, double));
        } else if (conv == 'p') {
            fprintf(f, spec, va_arg(ap, void *));
        } else {
            /* Not a conversion this knows: the arguments after it cannot
             * be read safely, so the rest is shown as written. */
            ctl_escape_write(f, start, strlen(start), 0);
            return;
        }
    }
}
