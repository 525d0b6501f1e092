/*
 * What crmctl shows a person (examples/crmctl/escape.c): any text, escaped
 * so that nothing in it reaches a terminal as control. Input: the text, any
 * bytes.
 *
 * Properties, checked against this file's own reading of UTF-8 and of the
 * escaped form rather than the code under test:
 * - the output is valid UTF-8 and holds no C0 control or DEL (but the line
 *   feeds and tabs that CTL_ESC_LINES keeps), no C1 control, no bidi
 *   control, no U+2028 or U+2029;
 * - it reads back to exactly the input, with and without CTL_ESC_LINES, so
 *   two different texts are never shown alike; with CTL_ESC_MESSAGE it is
 *   the same but for showing a backslash as itself;
 * - the width is the number of characters shown;
 * - ctl_fprintf() shows a string as ctl_escape_write() does, pads it to a
 *   width by characters, cuts it to a precision by bytes, and formats
 *   numbers as the C library does.
 */
#include "escape.h"
#include "fuzz.h"

/* ---- this file's own reading of text ------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
    static const struct {
        unsigned char first_lo, first_hi, second_lo, second_hi;
        size_t len;
    } forms[] = {
        /* Table 3-7 of the Unicode Standard: the well-formed byte sequences. */
        { 0x00, 0x7F, 0, 0, 1 },       { 0xC2, 0xDF, 0x80, 0xBF, 2 },
        { 0xE0, 0xE0, 0xA0, 0xBF, 3 }, { 0xE1, 0xEC, 0x80, 0xBF, 3 },
        { 0xED, 0xED, 0x80, 0x9F, 3 }, { 0xEE, 0xEF, 0x80, 0xBF, 3 },
        { 0xF0, 0xF0, 0x90, 0xBF, 4 }, { 0xF1, 0xF3, 0x80, 0xBF, 4 },
        { 0xF4, 0xF4, 0x80, 0x8F, 4 },
    };
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        size_t len = forms[f].len;
        if (s[0] < forms[f].first_lo || s[0] > forms[f].first_hi)
            continue;
        if (n < len)
            return 0;
        if (len > 1 && (s[1] < forms[f].second_lo || s[1] > forms[f].second_hi))
            return 0;
        uint32_t v = len == 1 ? s[0] : s[0] & (0xFF >> (len + 1));
        for (size_t i = 1; i < len; i++) {
            if (i > 1 && (s[i] < 0x80 || s[i] > 0xBF))
                return 0;
            v = v << 6 | (s[i] & 0x3F);
        }
        *cp = v;
        return len;
    }
    return 0;
}

/* The characters that must never reach the terminal as they are. */
static int forbidden(uint32_t cp, int lines)
{
    if (lines && (cp == '\n' || cp == '\t'))
        return 0;
    return cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
           cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x2028 || cp == 0x2029;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Read the escaped form back: the text it stands for into out (room for
 * n bytes: the form never takes fewer bytes than it stands for); its
 * length, or -1 if s is not in the form. */
static long unescape(unsigned char *out, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] != '\\') {
            out[o++] = (unsigned char)s[i++];
            continue;
        }
        char c = i + 1 < n ? s[i + 1] : '\0';
        size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : 0;
        if (c == '\\' || c == 'n' || c == 't' || c == 'r') {
            out[o++] = c == '\\' ? '\\' : c == 'n' ? '\n' : c == 't' ? '\t' : '\r';
            i += 2;
            continue;
        }
        if (!digits || i + 2 + digits > n)
            return -1;
        uint32_t v = 0;
        for (size_t k = 0; k < digits; k++) {
            int h = hexval(s[i + 2 + k]);
            if (h < 0)
                return -1;
            v = v << 4 | (uint32_t)h;
        }
        i += 2 + digits;
        if (c == 'x') {
            out[o++] = (unsigned char)v;
        } else if (v < 0x800) {
            out[o++] = (unsigned char)(0xC0 | v >> 6);
            out[o++] = (unsigned char)(0x80 | (v & 0x3F));
        } else {
            out[o++] = (unsigned char)(0xE0 | v >> 12);
            out[o++] = (unsigned char)(0x80 | (v >> 6 & 0x3F));
            out[o++] = (unsigned char)(0x80 | (v & 0x3F));
        }
    }
    return (long)o;
}

/* ---- capturing what is written ---------------------------------------------------- */

typedef struct capture {
    FILE *f;
    char *buf;
    size_t len;
} capture;

static void capture_open(capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    FUZZ_ASSERT(c->f != NULL, "open_memstream failed");
}

/* Close the stream: c->buf and c->len hold what was written (free c->buf). */
static void capture_close(capture *c)
{
    FUZZ_ASSERT(fclose(c->f) == 0 && c->buf != NULL, "could not capture the output");
}

static char *escaped(const uint8_t *data, size_t size, unsigned int flags, size_t *len)
{
    capture c;
    capture_open(&c);
    ctl_escape_write(c.f, (const char *)data, size, flags);
    capture_close(&c);
    *len = c.len;
    return c.buf;
}

/* ---- the properties ------------------------------------------------------------------ */

static void check_shown(const uint8_t *data, size_t size, const char *out, size_t len,
                        unsigned int flags)
{
    const unsigned char *u = (const unsigned char *)out;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_len(u + i, len - i, &cp);
        FUZZ_ASSERT(n > 0, "flags %u: byte 0x%02x at %zu of the output is not UTF-8", flags,
                    u[i], i);
        FUZZ_ASSERT(!forbidden(cp, flags & CTL_ESC_LINES),
                    "flags %u: U+%04X at %zu of the output reaches the terminal", flags,
                    (unsigned int)cp, i);
        i += n;
    }
    if (flags & CTL_ESC_MESSAGE)
        return;
    unsigned char *back = malloc(len + 1);
    FUZZ_ASSERT(back != NULL, "out of memory");
    long n = unescape(back, out, len);
    FUZZ_ASSERT(n >= 0, "flags %u: the output '%.*s' is not in the escaped form", flags,
                (int)len, out);
    FUZZ_ASSERT((size_t)n == size && (size == 0 || memcmp(back, data, size) == 0),
                "flags %u: '%.*s' reads back as other text (%ld bytes for %zu)", flags,
                (int)len, out, n, size);
    free(back);
}

/* A library message is shown as plain text is, but for its backslashes. */
static void check_message(const char *plain, size_t plain_len, const char *msg, size_t msg_len)
{
    size_t m = 0;
    for (size_t i = 0; i < plain_len;) {
        size_t take = 1, want = 1;
        if (plain[i] == '\\') {
            char c = plain[i + 1];
            take = c == 'x' ? 4 : c == 'u' ? 6 : 2;
            want = c == '\\' ? 1 : take;
        }
        FUZZ_ASSERT(m + want <= msg_len && memcmp(msg + m, plain + i + take - want, want) == 0,
                    "message form '%.*s' differs from '%.*s' at %zu", (int)msg_len, msg,
                    (int)plain_len, plain, i);
        i += take;
        m += want;
    }
    FUZZ_ASSERT(m == msg_len, "message form '%.*s' is longer than '%.*s'", (int)msg_len, msg,
                (int)plain_len, plain);
}

static size_t characters(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static void check_printf(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    if (!text)
        return;
    size_t tlen = strlen(text), plain_len;
    char *plain = escaped((const uint8_t *)text, tlen, 0, &plain_len);
    size_t shown = characters(plain, plain_len);
    int width = (int)(size % 41), prec = (int)(size % 7);

    capture c;
    capture_open(&c);
    ctl_fprintf(c.f, "%s", text);
    capture_close(&c);
    FUZZ_ASSERT(c.len == plain_len && memcmp(c.buf, plain, plain_len) == 0,
                "ctl_fprintf(\"%%s\") gave '%.*s', not '%.*s'", (int)c.len, c.buf,
                (int)plain_len, plain);
    free(c.buf);

    /* Padded to the width in characters on screen: on the right for a
     * negative width from the arguments, on the left for a positive one. */
    size_t pad = (size_t)width > shown ? (size_t)width - shown : 0;
    capture_open(&c);
    ctl_fprintf(c.f, "[%*s|%*s]", -width, text, width, text);
    capture_close(&c);
    size_t want_len = 2 * plain_len + 2 * pad + 3;
    int ok = c.len == want_len && c.buf[0] == '[' && c.buf[want_len - 1] == ']' &&
             memcmp(c.buf + 1, plain, plain_len) == 0 &&
             c.buf[1 + plain_len + pad] == '|' &&
             memcmp(c.buf + 2 + plain_len + 2 * pad, plain, plain_len) == 0;
    for (size_t k = 0; ok && k < pad; k++)
        ok = c.buf[1 + plain_len + k] == ' ' && c.buf[2 + plain_len + pad + k] == ' ';
    FUZZ_ASSERT(ok, "ctl_fprintf(\"[%%*s|%%*s]\", -%d, %d) gave '%.*s'", width, width,
                (int)c.len, c.buf);

    /* The same with the '-' flag; and a width written in the format. */
    char *wide = c.buf;
    capture_open(&c);
    ctl_fprintf(c.f, "[%-*s|%*s]", width, text, width, text);
    capture_close(&c);
    FUZZ_ASSERT(c.len == want_len && memcmp(c.buf, wide, want_len) == 0,
                "ctl_fprintf(\"[%%-*s|%%*s]\", %d) gave '%.*s'", width, (int)c.len, c.buf);
    free(c.buf);
    capture_open(&c);
    ctl_fprintf(c.f, "[%-12s|%12s]", text, text);
    capture_close(&c);
    pad = shown < 12 ? 12 - shown : 0;
    FUZZ_ASSERT(c.len == 2 * plain_len + 2 * pad + 3 && c.buf[1 + plain_len + pad] == '|',
                "ctl_fprintf(\"[%%-12s|%%12s]\") gave '%.*s'", (int)c.len, c.buf);
    free(c.buf);
    free(wide);

    /* A precision cuts bytes of the argument, then what is left is escaped. */
    size_t cut = (size_t)prec < tlen ? (size_t)prec : tlen, cut_len;
    char *cut_plain = escaped((const uint8_t *)text, cut, 0, &cut_len);
    capture_open(&c);
    ctl_fprintf(c.f, "%.*s", prec, text);
    capture_close(&c);
    FUZZ_ASSERT(c.len == cut_len && memcmp(c.buf, cut_plain, cut_len) == 0,
                "ctl_fprintf(\"%%.*s\", %d) gave '%.*s'", prec, (int)c.len, c.buf);
    free(c.buf);
    free(cut_plain);

    /* Numbers and the rest are the C library's, whatever the input says. */
    unsigned long long bits = 0;
    for (size_t k = 0; k < size && k < 8; k++)
        bits = bits << 8 | data[k];
    long long big = (long long)(bits >> 1) - 99;
    signed char small = size ? (signed char)data[0] : 0;
    double third = (double)size / 3;
    char want[160];
    snprintf(want, sizeof want, "%d|%5u|%-4x|%lld|%zu|%08.3f|%%|%p|%ld|%hhd", width,
             (unsigned)size, (unsigned)prec, big, size, third, (void *)text, (long)-width, small);
    capture_open(&c);
    ctl_fprintf(c.f, "%d|%5u|%-4x|%lld|%zu|%08.3f|%%|%p|%ld|%hhd", width, (unsigned)size,
                (unsigned)prec, big, size, third, (void *)text, (long)-width, small);
    capture_close(&c);
    FUZZ_ASSERT(c.len == strlen(want) && memcmp(c.buf, want, c.len) == 0,
                "ctl_fprintf numbers gave '%.*s', not '%s'", (int)c.len, c.buf, want);
    free(c.buf);
    free(plain);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t plain_len, lines_len, msg_len;
    char *plain = escaped(data, size, 0, &plain_len);
    char *lines = escaped(data, size, CTL_ESC_LINES, &lines_len);
    char *msg = escaped(data, size, CTL_ESC_MESSAGE, &msg_len);
    check_shown(data, size, plain, plain_len, 0);
    check_shown(data, size, lines, lines_len, CTL_ESC_LINES);
    check_shown(data, size, msg, msg_len, CTL_ESC_MESSAGE);
    check_message(plain, plain_len, msg, msg_len);

    size_t width = ctl_escape_width((const char *)data, size, 0);
    FUZZ_ASSERT(width == characters(plain, plain_len), "width %zu for '%.*s'", width,
                (int)plain_len, plain);

    /* The decoder the escaping and the JSON writer share agrees with this
     * file's reading of UTF-8, and with the characters it escapes. */
    const unsigned char *u = data;
    for (size_t i = 0; i < size;) {
        uint32_t mine = 0, theirs = 0;
        size_t want = utf8_len(u + i, size - i, &mine);
        size_t got = ctl_utf8_decode((const char *)u + i, size - i, &theirs);
        FUZZ_ASSERT(got == want && (got == 0 || theirs == mine),
                    "ctl_utf8_decode at %zu: %zu bytes, U+%04X (expected %zu, U+%04X)", i, got,
                    (unsigned int)theirs, want, (unsigned int)mine);
        if (got)
            FUZZ_ASSERT(ctl_char_is_escaped(mine) == forbidden(mine, 0),
                        "U+%04X: escaped is %d", (unsigned int)mine, ctl_char_is_escaped(mine));
        i += got ? got : 1;
    }

    check_printf(data, size);
    free(plain);
    free(lines);
    free(msg);
    return 0;
}
