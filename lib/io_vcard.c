/*
 * libcrm - vCard in (2.1, 3.0 and 4.0, RFC 6350) and out (4.0). Debian has
 * no maintained C library for vCard, so this reads it by hand: lines
 * unfolded, then each property as group.NAME;params:value, the value
 * decoded (QUOTED-PRINTABLE, a CHARSET of ISO-8859-1 converted) and
 * unescaped.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/handle.h"
#include "internal/io.h"
#include "internal/util.h"

/* ---- a card being read ------------------------------------------------------ */

#define MAX_STRINGS (3 * CRM__ROW_MAX_ITEMS + 16)

typedef struct card {
    crm__row r;
    int64_t line; /* of BEGIN:VCARD */
    bool open, bad;
    char *strings[MAX_STRINGS]; /* what r points into */
    int nstrings;
    const char *given, *family;
    int64_t n_line;
} card;

typedef struct vc_ctx {
    crm__import im;
    crm_db *db;
    card c;
    crm__text logical; /* the property being read, unfolded */
    int64_t nul_line, nul_col; /* where it holds a NUL byte (line 0: none) */
    char name[CRM_NAME_MAX * 2 + 2];
} vc_ctx;

static void card_clear(card *c)
{
    for (int i = 0; i < c->nstrings; i++)
        crm__free(c->strings[i]);
    memset(c, 0, sizeof *c);
}

static char *keep(vc_ctx *x, char *s)
{
    if (!s)
        return NULL;
    if (x->c.nstrings == MAX_STRINGS) {
        crm__free(s);
        crm__import_bad(&x->im, 1, CRM_EINVAL, "too many properties in one card");
        return NULL;
    }
    x->c.strings[x->c.nstrings++] = s;
    return s;
}

/* ---- decoding --------------------------------------------------------------- */

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

/* QUOTED-PRINTABLE in place ("=C3=A9", a soft break "=" at the end). */
static bool qp_decode(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p != '=') {
            *o++ = *p;
            continue;
        }
        if (!p[1])
            break;
        int h = hexval(p[1]), l = h < 0 ? -1 : hexval(p[2]);
        if (h < 0 || l < 0)
            return false;
        *o++ = (char)(h * 16 + l);
        p += 2;
    }
    *o = '\0';
    return true;
}

/* ISO-8859-1 to UTF-8: a new string. */
static char *latin1(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += *p >= 0x80 ? 2 : 1;
    char *out = crm__malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80) {
            *o++ = (char)*p;
        } else {
            *o++ = (char)(0xC0 | (*p >> 6));
            *o++ = (char)(0x80 | (*p & 0x3F));
        }
    }
    *o = '\0';
    return out;
}

/* Unescape one component (up to an unescaped sep, or the end when sep is
 * 0) of *sp into a new string, and move *sp past it and the separator. */
static char *component(const char **sp, char sep)
{
    const char *s = *sp;
    size_t n = strlen(s);
    char *out = crm__malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (; *s && *s != sep; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            *o++ = (*s == 'n' || *s == 'N') ? '\n' : *s;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    *sp = *s ? s + 1 : s;
    return out;
}

/* ---- one property ------------------------------------------------------------ */

typedef struct prop {
    char *name;     /* upper case, without its group */
    char *params;   /* ";"-separated, as written, or "" */
    char *value;    /* after ':' */
    int64_t line;
    int64_t vcol;   /* 1-based byte column of the value in the first line */
} prop;

/* The value of parameter key (case-insensitive) in params, copied into buf
 * without quotes; a bare 2.1 parameter ("QUOTED-PRINTABLE") is its own
 * value of key "ENCODING". */
static bool param(const char *params, const char *key, char *buf, size_t size)
{
    size_t kl = strlen(key);
    const char *p = params;
    while (*p) {
        while (*p == ';')
            p++;
        const char *end = p;
        bool q = false;
        while (*end && (q || *end != ';')) {
            if (*end == '"')
                q = !q;
            end++;
        }
        const char *eq = memchr(p, '=', (size_t)(end - p));
        const char *v = NULL;
        size_t vl = 0;
        if (eq && (size_t)(eq - p) == kl && strncasecmp(p, key, kl) == 0) {
            v = eq + 1;
            vl = (size_t)(end - v);
        } else if (!eq && strcmp(key, "ENCODING") == 0 && (size_t)(end - p) == 16 &&
                   strncasecmp(p, "QUOTED-PRINTABLE", 16) == 0) {
            v = p;
            vl = 16;
        }
        if (v) {
            if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"')
                v++, vl -= 2;
            if (vl >= size)
                vl = size - 1;
            memcpy(buf, v, vl);
            buf[vl] = '\0';
            return true;
        }
        p = end;
    }
    return false;
}

/* Split the logical line into a property: false when it has no ':'. */
static bool split_prop(char *s, prop *p)
{
    bool q = false;
    char *colon = NULL;
    for (char *c = s; *c; c++) {
        if (*c == '"')
            q = !q;
        else if (*c == ':' && !q) {
            colon = c;
            break;
        }
    }
    if (!colon)
        return false;
    *colon = '\0';
    p->value = colon + 1;
    p->vcol = (int64_t)(colon - s) + 2;
    char *semi = strchr(s, ';');
    p->params = "";
    if (semi) {
        *semi = '\0';
        p->params = semi + 1;
    }
    char *dot = strrchr(s, '.');
    p->name = dot ? dot + 1 : s;
    for (char *c = p->name; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    return true;
}

/* The value decoded to UTF-8 text, still escaped: in place, or a new
 * string in *fresh. CRM_OK or a bad row's code. */
static int decode(vc_ctx *x, prop *p, char **fresh)
{
    char enc[32] = "", cs[32] = "";
    char qn[CRM__QUOTE_SIZE], qv[CRM__QUOTE_SIZE];
    *fresh = NULL;
    crm__quote(qn, sizeof qn, p->name);
    param(p->params, "ENCODING", enc, sizeof enc);
    if (*enc) {
        if (strcasecmp(enc, "QUOTED-PRINTABLE") == 0) {
            if (!qp_decode(p->value))
                return crm__import_bad(&x->im, p->vcol, CRM_EINVAL,
                                       "%s: malformed QUOTED-PRINTABLE", qn);
        } else if (strcasecmp(enc, "8BIT") != 0 && strcasecmp(enc, "7BIT") != 0) {
            return crm__import_bad(&x->im, p->vcol, CRM_EINVAL,
                                   "%s: ENCODING=%s is not read for this property", qn,
                                   crm__quote(qv, sizeof qv, enc));
        }
    }
    if (param(p->params, "CHARSET", cs, sizeof cs) && strcasecmp(cs, "UTF-8") != 0 &&
        strcasecmp(cs, "UTF8") != 0 && strcasecmp(cs, "US-ASCII") != 0) {
        if (strcasecmp(cs, "ISO-8859-1") != 0 && strcasecmp(cs, "LATIN1") != 0 &&
            strcasecmp(cs, "ISO8859-1") != 0)
            return crm__import_bad(&x->im, p->vcol, CRM_EINVAL,
                                   "%s: CHARSET=%s is not read (UTF-8 and ISO-8859-1 are)",
                                   qn, crm__quote(qv, sizeof qv, cs));
        if (!(*fresh = latin1(p->value)))
            return crm__error(x->db, CRM_ENOMEM, "out of memory importing vCard");
        p->value = *fresh;
    }
    if (!crm__utf8_valid(p->value, strlen(p->value)))
        return crm__import_bad(&x->im, p->vcol, CRM_EINVAL, "%s: the value is not valid UTF-8",
                               qn);
    return CRM_OK;
}

/* An unescaped copy of the value's first component, kept by the card. */
static const char *text_of(vc_ctx *x, const char *v, char sep)
{
    char *s = keep(x, component(&v, sep));
    if (!s && x->im.col == 0)
        crm__error(x->db, CRM_ENOMEM, "out of memory importing vCard");
    return s;
}

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return false;
    return true;
}

static int property(vc_ctx *x, prop *p)
{
    card *c = &x->c;
    crm__row *r = &c->r;
    char *fresh = NULL;
    int rc = CRM_OK;
    static const char *const read[] = { "FN", "N", "TEL", "EMAIL", "ORG", "NOTE", "BDAY",
                                        "CATEGORIES", "UID", "KIND", "X-ABSHOWAS",
                                        "X-CRM-ATTR", "X-CRM-IDENTITY", "X-CRM-OWNER", "VERSION" };
    bool known = false;
    for (size_t i = 0; i < sizeof read / sizeof read[0]; i++)
        known = known || strcmp(p->name, read[i]) == 0;
    if (!known)
        return CRM_OK; /* PHOTO, ADR, URL, TITLE ...: not kept */
    rc = decode(x, p, &fresh);
    if (rc == CRM_OK && fresh)
        keep(x, fresh);
    if (rc)
        return rc;
    const char *v = p->value;
    char qbuf[CRM__QUOTE_SIZE];
    x->im.col = 0;
    const char *t = NULL;
    char buf[CRM_ATTR_KEY_MAX + 2];
    if (strcmp(p->name, "VERSION") == 0) {
        if (strcmp(v, "2.1") != 0 && strcmp(v, "3.0") != 0 && strcmp(v, "4.0") != 0)
            return crm__import_bad(&x->im, p->vcol, CRM_EINVAL,
                                   "VERSION %s is not 2.1, 3.0 or 4.0",
                                   crm__quote(qbuf, sizeof qbuf, v));
        return CRM_OK;
    }
    if (blank(v))
        return CRM_OK;
    if (strcmp(p->name, "FN") == 0) {
        if (!(t = text_of(x, v, 0)))
            return crm_errcode(x->db);
        r->name = t;
        r->name_col = p->line;
    } else if (strcmp(p->name, "N") == 0) {
        const char *family = keep(x, component(&v, ';'));
        const char *given = family ? keep(x, component(&v, ';')) : NULL;
        if (!given)
            return x->im.col ? CRM_EINVAL : crm__error(x->db, CRM_ENOMEM, "out of memory");
        c->family = family;
        c->given = given;
        c->n_line = p->line;
    } else if (strcmp(p->name, "TEL") == 0 || strcmp(p->name, "EMAIL") == 0) {
        if (!(t = text_of(x, v, 0)))
            return crm_errcode(x->db);
        if (strncasecmp(t, "tel:", 4) == 0)
            t += 4;
        else if (strncasecmp(t, "mailto:", 7) == 0)
            t += 7;
        rc = crm__row_add(&x->im, r->ids, &r->nids, p->name[0] == 'T' ? "phone" : "email", t,
                          p->line);
    } else if (strcmp(p->name, "X-CRM-IDENTITY") == 0 || strcmp(p->name, "X-CRM-ATTR") == 0) {
        bool ident = p->name[6] == 'I';
        if (!param(p->params, ident ? "X-KIND" : "X-KEY", buf, sizeof buf))
            return crm__import_bad(&x->im, 1, CRM_EINVAL, "%s without %s", p->name,
                                   ident ? "X-KIND" : "X-KEY");
        const char *a = keep(x, crm__strdup(buf));
        if (!a || !(t = text_of(x, v, 0)))
            return x->im.col ? CRM_EINVAL : crm__error(x->db, CRM_ENOMEM, "out of memory");
        rc = ident ? crm__row_add(&x->im, r->ids, &r->nids, a, t, p->line)
                   : crm__row_add(&x->im, r->attrs, &r->nattrs, a, t, p->line);
    } else if (strcmp(p->name, "ORG") == 0 || strcmp(p->name, "NOTE") == 0) {
        if (!(t = text_of(x, v, p->name[0] == 'O' ? ';' : 0)))
            return crm_errcode(x->db);
        rc = crm__row_add(&x->im, r->attrs, &r->nattrs,
                          p->name[0] == 'O' ? "organisation" : "note", t, p->line);
    } else if (strcmp(p->name, "X-CRM-OWNER") == 0) {
        if (!(t = text_of(x, v, 0)))
            return crm_errcode(x->db);
        r->owner = t;
        r->owner_col = p->line;
    } else if (strcmp(p->name, "CATEGORIES") == 0) {
        while (*v && rc == CRM_OK) {
            char *tag = keep(x, component(&v, ','));
            if (!tag)
                return x->im.col ? CRM_EINVAL : crm__error(x->db, CRM_ENOMEM, "out of memory");
            if (*tag)
                rc = crm__row_add(&x->im, r->tags, &r->ntags, tag, NULL, p->line);
        }
    } else if (strcmp(p->name, "BDAY") == 0) {
        char d[16];
        size_t n = strcspn(v, "T");
        if (n >= sizeof d || !(memcpy(d, v, n), d[n] = '\0', 1) ||
            !crm__parse_birthday(d, &r->byear, &r->bmonth, &r->bday)) {
            char q[CRM__QUOTE_SIZE];
            return crm__import_bad(&x->im, p->vcol, CRM_EINVAL,
                                   "BDAY '%s' is not a date (19800229, 1980-02-29, --0229)",
                                   crm__pquote(x->db, q, sizeof q, v));
        }
        r->birthday = true;
        r->bday_col = p->line;
    } else if (strcmp(p->name, "UID") == 0) {
        if (strncasecmp(v, "urn:uuid:", 9) == 0 && strlen(v + 9) == CRM_ID_LEN) {
            r->id = keep(x, crm__strdup(v + 9));
            if (!r->id)
                return x->im.col ? CRM_EINVAL : crm__error(x->db, CRM_ENOMEM, "out of memory");
            r->id_col = p->line;
        }
    } else if (strcmp(p->name, "KIND") == 0 || strcmp(p->name, "X-ABSHOWAS") == 0) {
        if (strcasecmp(v, "org") == 0 || strcasecmp(v, "organization") == 0 ||
            strcasecmp(v, "company") == 0) {
            r->kind = CRM_CUSTOMER_ORGANISATION;
            r->kind_col = p->line;
        }
    }
    return rc;
}

/* End of a card: write it. */
static int card_end(vc_ctx *x)
{
    card *c = &x->c;
    crm__row *r = &c->r;
    if (!r->name && (c->given || c->family)) {
        const char *g = c->given ? c->given : "", *f = c->family ? c->family : "";
        snprintf(x->name, sizeof x->name, "%s%s%s", g, *g && *f ? " " : "", f);
        if (*x->name) {
            r->name = x->name;
            r->name_col = c->n_line;
        }
    }
    x->im.col = 0;
    int rc = crm__import_row(&x->im, r);
    if (rc && x->im.col > 0) {
        /* The row's columns are the lines of its properties. */
        x->im.line = x->im.col;
        x->im.col = 1;
    } else if (rc) {
        x->im.line = c->line;
    }
    return rc;
}

static int logical_line(vc_ctx *x, char *s, int64_t line)
{
    card *c = &x->c;
    x->im.line = line;
    x->im.col = 0;
    if (blank(s))
        return CRM_OK;
    prop p = { 0 };
    p.line = line;
    if (!split_prop(s, &p)) {
        if (c->open && c->bad)
            return CRM_OK;
        return crm__import_bad(&x->im, 1, CRM_EINVAL, "a line without ':' (not a property)");
    }
    if (strcmp(p.name, "BEGIN") == 0 && strcasecmp(p.value, "VCARD") == 0) {
        if (c->open && !c->bad)
            return crm__import_bad(&x->im, 1, CRM_EINVAL,
                                   "BEGIN:VCARD inside the card begun on line %lld",
                                   (long long)c->line);
        card_clear(c);
        c->open = true;
        c->line = line;
        return CRM_OK;
    }
    if (!c->open)
        return crm__import_bad(&x->im, 1, CRM_EINVAL, "a property outside BEGIN:VCARD/END:VCARD");
    if (strcmp(p.name, "END") == 0 && strcasecmp(p.value, "VCARD") == 0) {
        bool bad = c->bad;
        c->open = false;
        if (bad)
            return CRM_OK;
        x->im.rows++;
        return card_end(x);
    }
    if (c->bad)
        return CRM_OK;
    return property(x, &p);
}

/* A property holding a NUL byte: refused, unless its card is being passed
 * over already. */
static int nul_in_line(vc_ctx *x)
{
    if (x->c.open && x->c.bad)
        return CRM_OK;
    x->im.line = x->nul_line;
    return crm__import_bad(&x->im, x->nul_col, CRM_EINVAL, "a NUL byte in the line");
}

/* A failure of the card being read: noted (the rest of the card is
 * passed over) or the import's end. */
static int card_failed(vc_ctx *x, int rc)
{
    if (x->c.open)
        x->c.bad = true;
    return crm__import_row_failed(&x->im, rc);
}

static int parse(vc_ctx *x, const char *data, size_t len)
{
    size_t pos = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    int64_t line = 0, start = 0;
    int rc = CRM_OK;
    bool have = false, qp_soft = false;
    while (rc == CRM_OK) {
        const char *s = data + pos;
        bool eof = pos >= len;
        const char *nl = eof ? NULL : memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += nl ? n + 1 : n;
        size_t l = n;
        if (l && s[l - 1] == '\r')
            l--;
        if (!eof)
            line++;
        /* A folded line goes on with a space or tab; a QUOTED-PRINTABLE
         * value ending "=" goes on with the next line as it is. */
        if (!eof && have && (qp_soft || (l > 0 && (s[0] == ' ' || s[0] == '\t')))) {
            if (qp_soft) {
                x->logical.len--; /* the soft break's "=" */
                crm__text_add(&x->logical, s, l);
            } else {
                crm__text_add(&x->logical, s + 1, l - 1);
            }
        } else {
            if (have) {
                if (x->logical.failed)
                    return crm__error(x->db, CRM_ENOMEM, "out of memory importing vCard");
                rc = x->nul_line ? nul_in_line(x) : logical_line(x, x->logical.s, start);
                if (rc)
                    rc = card_failed(x, rc);
                crm__import_progress(&x->im, (int64_t)(s - data));
                have = false;
            }
            if (eof || rc)
                break;
            x->logical.len = 0;
            x->nul_line = 0;
            crm__text_add(&x->logical, s, l);
            have = true;
            start = line;
        }
        const char *nul = eof ? NULL : memchr(s, '\0', l);
        if (nul && !x->nul_line) {
            x->nul_line = line;
            x->nul_col = (int64_t)(nul - s) + 1;
        }
        if (x->logical.failed)
            return crm__error(x->db, CRM_ENOMEM, "out of memory importing vCard");
        qp_soft = false;
        if (have && x->logical.len && x->logical.s[x->logical.len - 1] == '=') {
            const char *colon = memchr(x->logical.s, ':', x->logical.len);
            char params[256];
            size_t pl = colon ? (size_t)(colon - x->logical.s) : 0;
            if (pl && pl < sizeof params) {
                memcpy(params, x->logical.s, pl);
                params[pl] = '\0';
                char enc[32];
                qp_soft = param(params, "ENCODING", enc, sizeof enc) &&
                          strcasecmp(enc, "QUOTED-PRINTABLE") == 0;
            }
        }
    }
    if (rc == CRM_OK && x->c.open) {
        x->im.line = x->c.line;
        x->im.col = 1;
        bool bad = x->c.bad;
        x->c.open = false;
        if (!bad)
            rc = card_failed(x, crm__import_bad(&x->im, 1, CRM_EINVAL,
                                                "the card begun here has no END:VCARD"));
    }
    return rc;
}

static int import(crm_import_result **out, crm_db *db, const char *path, const char *data,
                  size_t len, const crm_import_options *opts)
{
    vc_ctx *x = crm__calloc(1, sizeof *x);
    if (!x)
        return crm__error(db, CRM_ENOMEM, "out of memory importing vCard");
    x->db = db;
    int rc = crm__import_begin(&x->im, db, path ? (const void *)path : (const void *)data, opts,
                               "vCard", true);
    if (rc) {
        crm__free(x);
        return rc;
    }
    char *file = NULL;
    if (path) {
        rc = crm__file_read(db, path, &file, &len);
        data = file;
    }
    if (rc == CRM_OK)
        rc = parse(x, data, len);
    rc = crm__import_end(&x->im, rc, out);
    crm__free(file);
    card_clear(&x->c);
    crm__text_fini(&x->logical);
    crm__free(x);
    return rc;
}

int crm_vcard_import(crm_import_result **out, crm_db *db, const char *path,
                     const crm_import_options *opts)
{
    CRM__ENTER(db);
    return import(out, db, path, NULL, 0, opts);
}

int crm_vcard_import_mem(crm_import_result **out, crm_db *db, const char *data, size_t len,
                         const crm_import_options *opts)
{
    CRM__ENTER(db);
    return import(out, db, NULL, data, len, opts);
}

/* ---- export ---------------------------------------------------------------- */

/* Text escaped for a value: backslash, newline, comma and semicolon. */
static void escaped(crm__text *t, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == ',' || *s == ';')
            crm__text_addc(t, '\\');
        if (*s == '\n') {
            crm__text_adds(t, "\\n");
            continue;
        }
        if (*s == '\r')
            continue;
        crm__text_addc(t, *s);
    }
}

/* Write the content line in line (NUL-terminated) folded at 75 octets,
 * never inside a UTF-8 sequence. */
static void folded(crm__text *t, const char *s)
{
    size_t n = strlen(s), col = 0;
    for (size_t i = 0; i < n;) {
        size_t len = 1;
        while (i + len < n && ((unsigned char)s[i + len] & 0xC0) == 0x80)
            len++;
        if (col + len > 75) {
            crm__text_adds(t, "\r\n ");
            col = 1;
        }
        crm__text_add(t, s + i, len);
        col += len;
        i += len;
    }
    crm__text_adds(t, "\r\n");
}

static int card_out(crm_db *db, const crm_customer *c, crm__text *t, crm__text *l)
{
    const char *id = crm_customer_id(c);
#define LINE(...)                 \
    do {                          \
        l->len = 0;               \
        __VA_ARGS__;              \
        if (l->failed)            \
            t->failed = true;     \
        else                      \
            folded(t, l->s ? l->s : ""); \
    } while (0)
    crm__text_adds(t, "BEGIN:VCARD\r\nVERSION:4.0\r\n");
    crm__text_adds(t, crm_customer_kind(c) == CRM_CUSTOMER_ORGANISATION ? "KIND:org\r\n"
                                                                        : "KIND:individual\r\n");
    LINE(crm__text_adds(l, "UID:urn:uuid:"); crm__text_adds(l, id));
    LINE(crm__text_adds(l, "FN:"); escaped(l, crm_customer_name(c)));
    if (crm_customer_owner(c))
        LINE(crm__text_adds(l, "X-CRM-OWNER:"); escaped(l, crm_customer_owner(c)));
    crm_identity_cursor *ic = NULL;
    int rc = crm_identity_list_open(&ic, db, id);
    const crm_identity *i;
    while (rc == CRM_OK && (rc = crm_identity_cursor_next(ic, &i)) == CRM_ROW) {
        const char *k = crm_identity_kind(i);
        if (strcmp(k, "phone") == 0)
            LINE(crm__text_adds(l, "TEL;VALUE=text:"); escaped(l, crm_identity_value(i)));
        else if (strcmp(k, "email") == 0)
            LINE(crm__text_adds(l, "EMAIL:"); escaped(l, crm_identity_value(i)));
        else
            LINE(crm__text_adds(l, "X-CRM-IDENTITY;X-KIND="); crm__text_adds(l, k);
                 crm__text_addc(l, ':'); escaped(l, crm_identity_value(i)));
        rc = CRM_OK;
    }
    crm_identity_cursor_free(ic);
    if (rc != CRM_DONE)
        return rc;
    crm_attr_cursor *ac = NULL;
    rc = crm_attr_list_open(&ac, db, id);
    const crm_attr *a;
    while (rc == CRM_OK && (rc = crm_attr_cursor_next(ac, &a)) == CRM_ROW) {
        const char *k = crm_attr_key(a), *v = crm_attr_value(a);
        rc = CRM_OK;
        if (!*v)
            continue;
        if (strcmp(k, "organisation") == 0)
            LINE(crm__text_adds(l, "ORG:"); escaped(l, v));
        else if (strcmp(k, "note") == 0)
            LINE(crm__text_adds(l, "NOTE:"); escaped(l, v));
        else
            LINE(crm__text_adds(l, "X-CRM-ATTR;X-KEY=\""); crm__text_adds(l, k);
                 crm__text_adds(l, "\":"); escaped(l, v));
    }
    crm_attr_cursor_free(ac);
    if (rc != CRM_DONE)
        return rc;
    crm_tag_cursor *tc = NULL;
    rc = crm_tag_list_open(&tc, db, id);
    const char *tag;
    bool first = true;
    l->len = 0;
    while (rc == CRM_OK && (rc = crm_tag_cursor_next(tc, &tag)) == CRM_ROW) {
        crm__text_adds(l, first ? "CATEGORIES:" : ",");
        escaped(l, tag);
        first = false;
        rc = CRM_OK;
    }
    crm_tag_cursor_free(tc);
    if (rc != CRM_DONE)
        return rc;
    if (!first) {
        if (l->failed)
            t->failed = true;
        else
            folded(t, l->s);
    }
    crm_occasion_cursor *oc = NULL;
    rc = crm_occasion_list_open(&oc, db, id);
    const crm_occasion *o;
    bool bday = false;
    while (rc == CRM_OK && (rc = crm_occasion_cursor_next(oc, &o)) == CRM_ROW) {
        rc = CRM_OK;
        if (bday || strcmp(crm_occasion_kind(o), "birthday") != 0 || !crm_occasion_is_yearly(o))
            continue;
        char b[32];
        if (crm_occasion_year(o))
            snprintf(b, sizeof b, "BDAY:%04d%02d%02d\r\n", crm_occasion_year(o),
                     crm_occasion_month(o), crm_occasion_day(o));
        else
            snprintf(b, sizeof b, "BDAY:--%02d%02d\r\n", crm_occasion_month(o),
                     crm_occasion_day(o));
        crm__text_adds(t, b);
        bday = true;
    }
    crm_occasion_cursor_free(oc);
    if (rc != CRM_DONE)
        return rc;
    crm__text_adds(t, "END:VCARD\r\n");
#undef LINE
    return CRM_OK;
}

static int export_vcard(crm_db *db, crm__text *t)
{
    crm__text l = { 0 };
    crm_customer_cursor *cur = NULL;
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.archived = CRM_ARCHIVED_INCLUDE;
    int rc = crm_customer_list_open(&cur, db, &f);
    const crm_customer *c;
    while (rc == CRM_OK && (rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
        rc = card_out(db, c, t, &l);
    crm_customer_cursor_free(cur);
    crm__text_fini(&l);
    return rc == CRM_DONE ? CRM_OK : rc;
}

int crm_vcard_export(crm_db *db, const char *path)
{
    CRM__ENTER(db);
    return crm__export_file(db, export_vcard, path);
}

int crm_vcard_export_mem(char **out, crm_db *db)
{
    CRM__ENTER(db);
    return crm__export_mem(db, export_vcard, out);
}
