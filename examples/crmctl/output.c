/*
 * crmctl - output: times, aligned tables and JSON.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <csv.h>
#include <utf8proc.h>

#include "crmctl.h"
#include "timeparse.h"

/* ---- times ----------------------------------------------------------------- */

static int show_utc;

void ctl_time_set_utc(int utc)
{
    show_utc = utc;
}

int ctl_time_is_utc(void)
{
    return show_utc;
}

/* Split ms into broken-down time (local, or UTC with --utc) and the
 * millisecond part. Times before 1970 round towards minus infinity so the
 * milliseconds stay positive. */
static int split_time(struct tm *tm, int *millis, int64_t ms)
{
    int64_t secs = ms / 1000;
    int64_t rem = ms % 1000;
    if (rem < 0) {
        rem += 1000;
        secs -= 1;
    }
    time_t t = (time_t)secs;
    *millis = (int)rem;
    return (show_utc ? gmtime_r(&t, tm) : localtime_r(&t, tm)) ? 0 : -1;
}

static const char *format_time(char buf[CTL_TIME_SIZE], int64_t ms, const char *local_fmt,
                               const char *utc_fmt)
{
    struct tm tm;
    int millis;
    if (split_time(&tm, &millis, ms) != 0 ||
        strftime(buf, CTL_TIME_SIZE, show_utc ? utc_fmt : local_fmt, &tm) == 0)
        snprintf(buf, CTL_TIME_SIZE, "@%lld ms", (long long)ms);
    return buf;
}

const char *ctl_time_human(char buf[CTL_TIME_SIZE], int64_t ms)
{
    return format_time(buf, ms, "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ");
}

const char *ctl_time_short(char buf[CTL_TIME_SIZE], int64_t ms)
{
    return format_time(buf, ms, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%MZ");
}

const char *ctl_time_iso(char buf[CTL_TIME_SIZE], int64_t ms)
{
    struct tm tm;
    int millis;
    char date[24], zone[8];
    if (split_time(&tm, &millis, ms) != 0 ||
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
        (!show_utc && strftime(zone, sizeof zone, "%z", &tm) != 5)) {
        snprintf(buf, CTL_TIME_SIZE, "@%lld ms", (long long)ms);
        return buf;
    }
    if (show_utc)
        snprintf(buf, CTL_TIME_SIZE, "%s.%03dZ", date, millis);
    else /* strftime gives "+0100"; ISO-8601 extended format wants "+01:00". */
        snprintf(buf, CTL_TIME_SIZE, "%s.%03d%.3s:%.2s", date, millis, zone, zone + 3);
    return buf;
}

const char *ctl_duration(char buf[CTL_TIME_SIZE], int64_t ms)
{
    static const struct {
        int64_t ms;
        const char *one, *many;
    } units[] = {
        { INT64_C(86400000), "day", "days" },
        { INT64_C(3600000), "h", "h" },
        { INT64_C(60000), "min", "min" },
    };
    enum { NUNITS = sizeof units / sizeof units[0] };
    if (ms < 0)
        ms = -ms;
    for (size_t u = 0; u < NUNITS; u++) {
        int64_t n = ms / units[u].ms;
        if (n == 0)
            continue;
        int len = snprintf(buf, CTL_TIME_SIZE, "%lld %s", (long long)n,
                           n == 1 ? units[u].one : units[u].many);
        /* Small amounts keep the next unit: "6 days 23 h" is not "6 days". */
        int64_t m = u + 1 < NUNITS ? ms % units[u].ms / units[u + 1].ms : 0;
        if (n < 10 && m > 0)
            snprintf(buf + len, (size_t)(CTL_TIME_SIZE - len), " %lld %s", (long long)m,
                     m == 1 ? units[u + 1].one : units[u + 1].many);
        return buf;
    }
    snprintf(buf, CTL_TIME_SIZE, "less than a minute");
    return buf;
}

const char *ctl_time_ago(char buf[CTL_TIME_SIZE], int64_t ms, int64_t now)
{
    char d[CTL_TIME_SIZE];
    int64_t diff = ms - now;
    if (diff > -60000 && diff < 60000)
        snprintf(buf, CTL_TIME_SIZE, "just now");
    else if (diff > 0)
        snprintf(buf, CTL_TIME_SIZE, "in %s", ctl_duration(d, diff));
    else
        snprintf(buf, CTL_TIME_SIZE, "%s ago", ctl_duration(d, diff));
    return buf;
}

const char *ctl_date_text(char buf[CTL_TIME_SIZE], int year, int month, int day, int weekday)
{
    static const char *const names[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    if (weekday) {
        /* 1970-01-01 was a Thursday. */
        int64_t days = ctl_days_from_date(year, month, day);
        int wd = (int)(((days % 7) + 7 + 4) % 7);
        snprintf(buf, CTL_TIME_SIZE, "%s %04d-%02d-%02d", names[wd], year, month, day);
    } else {
        snprintf(buf, CTL_TIME_SIZE, "%04d-%02d-%02d", year, month, day);
    }
    return buf;
}

/* ---- tables ------------------------------------------------------------------ */

/* Columns a terminal gives the one character at s (len bytes left) when it
 * is shown as it is: 2 for East Asian wide and fullwidth ones (王 is two
 * columns), 0 for combining marks and other zero-width ones, else 1.
 * utf8proc's table says so, the same in every locale (LANG=C included),
 * where wcwidth() knows only what the locale does. */
static size_t char_columns(const char *s, size_t len)
{
    uint32_t cp;
    if (ctl_utf8_decode(s, len, &cp) == 0)
        return 1;
    int w = utf8proc_charwidth((utf8proc_int32_t)cp);
    return w > 0 ? (size_t)w : 0;
}

/*
 * Write the len bytes at s as shown (escape.h) into at most max columns
 * (SIZE_MAX: all of it), ending with "…" when it is cut; f NULL writes
 * nothing. Returns the columns written.
 */
static size_t put_fitted(FILE *f, const char *s, size_t len, size_t max, unsigned int flags)
{
    char piece[CTL_ESC_PIECE_MAX];
    size_t used, cols = 0, full = 0;
    /* Does all of it fit? */
    for (size_t i = 0; i < len; i += used) {
        size_t n = ctl_escape_piece(piece, s + i, len - i, &used, flags);
        full += (unsigned char)piece[0] < 0x80 ? n : char_columns(s + i, len - i);
    }
    if (full <= max) {
        if (f)
            ctl_escape_write(f, s, len, flags);
        return full;
    }
    /* No: as much as fits in max - 1 columns, then the ellipsis. */
    for (size_t i = 0; i < len && max > 0; i += used) {
        size_t n = ctl_escape_piece(piece, s + i, len - i, &used, flags);
        size_t w = (unsigned char)piece[0] < 0x80 ? n : char_columns(s + i, len - i);
        if (cols + w > max - 1)
            break;
        if (f)
            fwrite(piece, 1, n, f);
        cols += w;
    }
    if (max > 0) {
        if (f)
            fputs("\u2026", f);
        cols++;
    }
    return cols;
}

/* Columns on screen of a cell shown escaped (see escape.h), so that one
 * row stays one line and nothing in a cell reaches the terminal as control. */
static size_t cell_width(const char *s, unsigned int flags)
{
    return put_fitted(NULL, s, strlen(s), SIZE_MAX, flags);
}

size_t ctl_text_width(const char *s)
{
    return cell_width(s, 0);
}

/* How the cells of column c are shown (see ctl_table.keep_backslashes). */
static unsigned int column_flags(const ctl_table *t, size_t c)
{
    return c < 32 && (t->keep_backslashes >> c & 1u) ? CTL_ESC_MESSAGE : 0;
}

static size_t table_limit; /* columns a table may take; 0: any */

void ctl_output_set_width(size_t columns)
{
    table_limit = columns;
}

size_t ctl_output_width(void)
{
    return table_limit;
}

void ctl_table_init(ctl_table *t, size_t ncols, const char *const *headers)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->headers = headers;
}

void ctl_table_add(ctl_table *t, const char *const *cells)
{
    if (t->failed)
        return;
    if (t->nrows == t->caprows) {
        size_t cap = t->caprows ? t->caprows * 2 : 16;
        char **grown = realloc(t->cells, cap * t->ncols * sizeof *grown);
        if (!grown) {
            t->failed = 1;
            return;
        }
        t->cells = grown;
        t->caprows = cap;
    }
    char **row = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        row[i] = strdup(cells[i] ? cells[i] : "");
        if (!row[i]) {
            while (i-- > 0)
                free(row[i]);
            t->failed = 1;
            return;
        }
    }
    t->nrows++;
}

static void print_row(FILE *f, const ctl_table *t, const char *indent, const size_t *widths,
                      const char *const *cells)
{
    /* Trailing empty cells are dropped so no line ends in spaces. */
    size_t last = t->ncols;
    while (last > 1 && !*cells[last - 1])
        last--;
    fputs(indent, f);
    for (size_t i = 0; i < last; i++) {
        size_t w = put_fitted(f, cells[i], strlen(cells[i]), widths[i], column_flags(t, i));
        if (i + 1 < last)
            fprintf(f, "%*s", (int)(widths[i] - w + 2), "");
    }
    fputc('\n', f);
}

/* Whether a column holds only ids, numbers and times: those are never cut,
 * since a part of one is no use. */
static int fixed_column(const ctl_table *t, size_t c)
{
    for (size_t r = 0; r < t->nrows; r++) {
        const char *s = t->cells[r * t->ncols + c];
        size_t len = strlen(s);
        int uuid = len == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-';
        if (!uuid && strspn(s, "0123456789-:. TZ+") != len)
            return 0;
    }
    return 1;
}

/* Cut the widest column that may be cut (usually the free text) until the
 * table fits in limit columns, down to a few columns; if that is not
 * enough, the next widest, and so on. */
static void fit_widths(const ctl_table *t, size_t *widths, size_t indent, size_t limit)
{
    enum { NARROWEST = 12 };
    size_t total = indent + 2 * (t->ncols - 1);
    for (size_t c = 0; c < t->ncols; c++)
        total += widths[c];
    unsigned char *done = calloc(t->ncols, 1);
    if (!done)
        return;
    while (total > limit) {
        size_t widest = t->ncols;
        for (size_t c = 0; c < t->ncols; c++)
            if (!done[c] && widths[c] > NARROWEST &&
                (widest == t->ncols || widths[c] > widths[widest]))
                widest = c;
        if (widest == t->ncols)
            break;
        done[widest] = 1;
        if (fixed_column(t, widest))
            continue;
        size_t cut = total - limit;
        if (cut > widths[widest] - NARROWEST)
            cut = widths[widest] - NARROWEST;
        widths[widest] -= cut;
        total -= cut;
    }
    free(done);
}

int ctl_table_print(const ctl_table *t, FILE *f, const char *indent)
{
    if (t->failed)
        return -1;
    size_t *widths = calloc(t->ncols, sizeof *widths);
    if (!widths)
        return -1;
    for (size_t c = 0; c < t->ncols; c++) {
        if (t->headers)
            widths[c] = cell_width(t->headers[c], 0);
        for (size_t r = 0; r < t->nrows; r++) {
            size_t w = cell_width(t->cells[r * t->ncols + c], column_flags(t, c));
            if (w > widths[c])
                widths[c] = w;
        }
    }
    if (table_limit && t->ncols > 0)
        fit_widths(t, widths, strlen(indent), table_limit);
    if (t->headers) {
        ctl_table plain = *t; /* headers are plain text */
        plain.keep_backslashes = 0;
        print_row(f, &plain, indent, widths, t->headers);
    }
    for (size_t r = 0; r < t->nrows; r++)
        print_row(f, t, indent, widths, (const char *const *)(t->cells + r * t->ncols));
    free(widths);
    return 0;
}

void ctl_table_free(ctl_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

/* ---- JSON ------------------------------------------------------------------ */

/*
 * One character of a JSON string's text (the len bytes at s, len >= 1),
 * written to f; returns the bytes taken. The escapes are exact: a reader
 * gets the very same text back. Control characters, and everything else
 * escape.h shows escaped, are written as \uXXXX, so that the document
 * itself is safe to look at in a terminal. A byte that is not UTF-8 (only
 * in a file not written by libcrm) cannot be carried by JSON and becomes
 * U+FFFD, so the document stays valid.
 */
static size_t write_string_char(FILE *f, const char *s, size_t len)
{
    uint32_t cp;
    size_t n = ctl_utf8_decode(s, len, &cp);
    if (n == 0) {
        fputs("\\ufffd", f);
        return 1;
    }
    switch (cp) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\b': fputs("\\b", f); break;
    case '\f': fputs("\\f", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\t': fputs("\\t", f); break;
    default:
        if (ctl_char_is_escaped(cp))
            fprintf(f, "\\u%04x", (unsigned int)cp);
        else
            fwrite(s, 1, n, f);
    }
    return n;
}

/* s as a JSON string literal, quotes included. */
static void write_string(FILE *f, const char *s)
{
    size_t len = strlen(s);
    fputc('"', f);
    for (size_t i = 0; i < len;)
        i += write_string_char(f, s + i, len - i);
    fputc('"', f);
}

void ctl_json_write_string(FILE *f, const char *s)
{
    write_string(f, s);
}

/* ---- CSV: the same documents as rows ------------------------------------------ */

static int csv_mode, csv_failed;

void ctl_output_csv(int on) { csv_mode = on; }

int ctl_output_failed(void) { return csv_failed; }

/* The output is not a table: said once, and the exit status says it too. */
static void csv_not_a_table(const char *why)
{
    if (!csv_failed)
        ctl_error("--csv: %s; --json shows this output whole", why);
    csv_failed = 1;
}

static void csv_field(FILE *f, const char *s)
{
    /* libcsv quotes every field and doubles the quotes in it (RFC 4180). */
    csv_fwrite(f, s ? s : "", s ? strlen(s) : 0);
}

static void csv_clear(ctl_json *j)
{
    for (size_t c = 0; c < j->csv_cols; c++) {
        free(j->csv_cell[c]);
        j->csv_cell[c] = NULL;
    }
}

/* A value of the record being written, under key; text NULL is null. */
static void csv_value(ctl_json *j, const char *key, const char *text)
{
    if (j->depth == 0 && !key) { /* a document of one value (a count): one cell */
        csv_field(j->f, text);
        fputc('\n', j->f);
        return;
    }
    if (!j->csv_row_depth || j->depth != j->csv_row_depth || !key) {
        csv_not_a_table("a value outside a record of plain values");
        return;
    }
    size_t c = 0;
    while (c < j->csv_cols && strcmp(j->csv_head[c], key) != 0)
        c++;
    if (c == j->csv_cols) {
        if (j->csv_rows > 0 || j->csv_cols == CTL_CSV_MAX_COLS) {
            csv_not_a_table("the records do not all have the same fields");
            return;
        }
        if (!(j->csv_head[c] = strdup(key))) {
            csv_not_a_table("out of memory");
            return;
        }
        j->csv_cols++;
    }
    free(j->csv_cell[c]);
    j->csv_cell[c] = NULL;
    if (text && !(j->csv_cell[c] = strdup(text)))
        csv_not_a_table("out of memory");
}

/* The record is complete: its row, after the header when it is the first. */
static void csv_row(ctl_json *j)
{
    if (csv_failed) { /* a record that is not a row is not shown in part */
        csv_clear(j);
        return;
    }
    if (j->csv_rows == 0) {
        for (size_t c = 0; c < j->csv_cols; c++) {
            if (c)
                fputc(',', j->f);
            csv_field(j->f, j->csv_head[c]);
        }
        fputc('\n', j->f);
    }
    for (size_t c = 0; c < j->csv_cols; c++) {
        if (c)
            fputc(',', j->f);
        csv_field(j->f, j->csv_cell[c]);
    }
    fputc('\n', j->f);
    j->csv_rows++;
    csv_clear(j);
}

static void csv_begin(ctl_json *j, char open)
{
    if (open == '[' && j->depth == 0 && !j->csv_list)
        j->csv_list = 1;
    else if (open == '{' && !j->csv_row_depth && j->depth == (j->csv_list ? 1 : 0))
        j->csv_row_depth = j->depth + 1;
    else
        csv_not_a_table("a record holds another record or a list");
    if (j->depth + 1 < CTL_JSON_MAX_DEPTH)
        j->depth++;
}

static void csv_end(ctl_json *j)
{
    if (j->csv_row_depth && j->depth == j->csv_row_depth) {
        csv_row(j);
        j->csv_row_depth = 0;
    }
    if (j->depth > 0)
        j->depth--;
}

void ctl_json_init(ctl_json *j, FILE *f)
{
    memset(j, 0, sizeof *j);
    j->f = f;
    j->csv = csv_mode;
}

static void indent(ctl_json *j, int depth)
{
    fputc('\n', j->f);
    for (int i = 0; i < depth; i++)
        fputs("  ", j->f);
}

/* Separator, line break and key before a value. */
static void value_prefix(ctl_json *j, const char *key)
{
    if (j->depth > 0) {
        if (j->members[j->depth] > 0)
            fputc(',', j->f);
        indent(j, j->depth);
    }
    j->members[j->depth]++;
    if (key) {
        write_string(j->f, key);
        fputs(": ", j->f);
    }
}

static void begin(ctl_json *j, const char *key, char open)
{
    if (j->csv) {
        csv_begin(j, open);
        return;
    }
    value_prefix(j, key);
    fputc(open, j->f);
    /* Deeper levels than the tool ever writes are flattened, not overrun. */
    if (j->depth + 1 < CTL_JSON_MAX_DEPTH)
        j->depth++;
    j->members[j->depth] = 0;
}

static void end(ctl_json *j, char close)
{
    if (j->csv) {
        csv_end(j);
        return;
    }
    int had_members = j->members[j->depth] > 0;
    if (j->depth > 0)
        j->depth--;
    if (had_members)
        indent(j, j->depth);
    fputc(close, j->f);
}

void ctl_json_begin_object(ctl_json *j, const char *key) { begin(j, key, '{'); }
void ctl_json_end_object(ctl_json *j) { end(j, '}'); }
void ctl_json_begin_array(ctl_json *j, const char *key) { begin(j, key, '['); }
void ctl_json_end_array(ctl_json *j) { end(j, ']'); }

void ctl_json_string(ctl_json *j, const char *key, const char *value)
{
    if (j->csv) {
        csv_value(j, key, value);
        return;
    }
    value_prefix(j, key);
    if (value)
        write_string(j->f, value);
    else
        fputs("null", j->f);
}

void ctl_json_int(ctl_json *j, const char *key, int64_t value)
{
    if (j->csv) {
        char buf[24];
        snprintf(buf, sizeof buf, "%lld", (long long)value);
        csv_value(j, key, buf);
        return;
    }
    value_prefix(j, key);
    fprintf(j->f, "%lld", (long long)value);
}

void ctl_json_bool(ctl_json *j, const char *key, int value)
{
    if (j->csv) {
        csv_value(j, key, value ? "true" : "false");
        return;
    }
    value_prefix(j, key);
    fputs(value ? "true" : "false", j->f);
}

void ctl_json_null(ctl_json *j, const char *key)
{
    if (j->csv) {
        csv_value(j, key, NULL);
        return;
    }
    value_prefix(j, key);
    fputs("null", j->f);
}

void ctl_json_time(ctl_json *j, const char *key, int64_t ms)
{
    char buf[CTL_TIME_SIZE];
    ctl_json_string(j, key, ctl_time_iso(buf, ms));
}

void ctl_json_raw(ctl_json *j, const char *key, const char *json)
{
    if (j->csv) {
        csv_value(j, key, json); /* the JSON text is the cell */
        return;
    }
    value_prefix(j, key);
    /* The text of its strings is written the way write_string() writes
     * it; their escapes, and everything between strings, as they are. A
     * backslash before anything but a printable character is text. */
    size_t len = strlen(json);
    int in_string = 0;
    for (size_t i = 0; i < len;) {
        unsigned char next = (unsigned char)json[i + 1]; /* the NUL at the end */
        if (!in_string) {
            in_string = json[i] == '"';
            fputc(json[i++], j->f);
        } else if (json[i] == '\\' && next > ' ' && next < 0x7f) {
            fwrite(json + i, 1, 2, j->f);
            i += 2;
        } else if (json[i] == '"') {
            in_string = 0;
            fputc(json[i++], j->f);
        } else {
            i += write_string_char(j->f, json + i, len - i);
        }
    }
}

void ctl_json_finish(ctl_json *j)
{
    if (j->csv) {
        csv_clear(j);
        for (size_t c = 0; c < j->csv_cols; c++)
            free(j->csv_head[c]);
        j->csv_cols = 0;
        return;
    }
    fputc('\n', j->f);
}

/* ---- key=VALUE pairs ------------------------------------------------------------ */

static void pairs_put(ctl_pairs *p, const char *s, size_t n)
{
    if (p->failed)
        return;
    if (p->len + n + 1 > p->cap) {
        size_t cap = p->cap ? p->cap : 64;
        while (cap < p->len + n + 1)
            cap *= 2;
        char *grown = realloc(p->s, cap);
        if (!grown) {
            p->failed = 1;
            return;
        }
        p->s = grown;
        p->cap = cap;
    }
    memcpy(p->s + p->len, s, n);
    p->len += n;
    p->s[p->len] = '\0';
}

/*
 * A value as key=VALUE shows it, so that no two values look the same: null,
 * numbers, true and false as they are; a string as it is when it cannot
 * be read as anything else, else quoted ("" empty, "a b", "x=1", "42",
 * "null"), with a quote inside shown as \" . A backslash is always shown
 * as \\ : the text is shown with its backslashes kept (CTL_ESC_MESSAGE),
 * and the control characters in it escaped as everywhere else.
 */
static void add_value(ctl_pairs *out, const char *v, int is_string)
{
    size_t len = strlen(v);
    int quote = is_string &&
                (len == 0 || strpbrk(v, " \"=\\") != NULL ||
                 strspn(v, "+-.0123456789eE") == len || strcmp(v, "null") == 0 ||
                 strcmp(v, "true") == 0 || strcmp(v, "false") == 0);
    if (quote)
        pairs_put(out, "\"", 1);
    for (const char *p = v; *p; p++) {
        if (*p == '\\')
            pairs_put(out, "\\\\", 2);
        else if (*p == '"')
            pairs_put(out, "\\\"", 2);
        else
            pairs_put(out, p, 1);
    }
    if (quote)
        pairs_put(out, "\"", 1);
}

void ctl_pairs_add(ctl_pairs *p, const char *key, const char *value, int is_string)
{
    if (p->len)
        pairs_put(p, " ", 1);
    pairs_put(p, key, strlen(key));
    pairs_put(p, "=", 1);
    add_value(p, value, is_string);
}

int ctl_view_finish(crmctl *ctl, const ctl_view *v, int rc, ctl_table *t, const char *none)
{
    int st = EXIT_OK;
    const char *indent = v->indent ? v->indent : "";
    if (rc != CRM_DONE) {
        st = ctl_fail(ctl, rc);
    } else if (ctl->json) {
        ctl_json_end_array(v->j);
    } else if (t->failed) {
        ctl_error("out of memory");
        st = EXIT_DATABASE;
    } else {
        if (v->title)
            ctl_printf("%s\n\n", v->title);
        if (t->nrows == 0) {
            ctl_printf("%s(%s)\n", indent, none);
        } else if (ctl_table_print(t, stdout, indent) != 0) {
            ctl_error("out of memory");
            st = EXIT_DATABASE;
        }
    }
    ctl_table_free(t);
    return st;
}

int ctl_list_finish(crmctl *ctl, int rc, ctl_table *t, ctl_json *j, int array, const char *noun)
{
    int st = EXIT_OK;
    if (rc != CRM_DONE) {
        st = ctl_fail(ctl, rc);
    } else if (ctl->json) {
        if (array)
            ctl_json_end_array(j);
        else
            ctl_json_end_object(j);
        ctl_json_finish(j);
    } else if (t->nrows == 0) {
        ctl_printf("(no %s)\n", noun);
    } else if (ctl_table_print(t, stdout, "") != 0) {
        ctl_error("out of memory listing %s", noun);
        st = EXIT_DATABASE;
    }
    ctl_table_free(t);
    return st;
}
