/*
 * libcrm - CSV of customers, in (parsed with libcsv) and out.
 */
#include <csv.h>
#include <stdio.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/handle.h"
#include "internal/io.h"
#include "internal/util.h"
#include "store/store.h"

/* ---- targets --------------------------------------------------------------- */

enum {
    T_IGNORE,
    T_NAME,
    T_GIVEN,
    T_FAMILY,
    T_KIND,
    T_OWNER,
    T_ID,
    T_TAGS,
    T_BIRTHDAY,
    T_IDENTITY,
    T_ATTR
};

typedef struct target {
    int type;
    const char *arg; /* identity kind or attribute key (static or in the mapping copy) */
    char sep;        /* T_TAGS */
} target;

/* A target's text ("email", "identity:account", "attr:vat", "tags:,"):
 * true with *t set, or false. s is kept (it outlives the import). */
static bool parse_target(char *s, target *t)
{
    static const struct {
        const char *word;
        int type;
        const char *arg;
    } words[] = {
        { "ignore", T_IGNORE, NULL },      { "name", T_NAME, NULL },
        { "given_name", T_GIVEN, NULL },   { "family_name", T_FAMILY, NULL },
        { "kind", T_KIND, NULL },          { "owner", T_OWNER, NULL },
        { "id", T_ID, NULL },              { "tags", T_TAGS, NULL },
        { "birthday", T_BIRTHDAY, NULL },  { "phone", T_IDENTITY, "phone" },
        { "email", T_IDENTITY, "email" },  { "organisation", T_ATTR, "organisation" },
        { "note", T_ATTR, "note" },
    };
    *t = (target){ T_IGNORE, NULL, ';' };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strcmp(s, words[i].word) == 0) {
            t->type = words[i].type;
            t->arg = words[i].arg;
            return true;
        }
    }
    if (strncmp(s, "tags:", 5) == 0 && strlen(s) == 6) {
        t->type = T_TAGS;
        t->sep = s[5];
        return true;
    }
    if (strncmp(s, "identity:", 9) == 0 && crm__is_kind_name(s + 9)) {
        t->type = T_IDENTITY;
        t->arg = s + 9;
        return true;
    }
    if (strncmp(s, "attr:", 5) == 0 && s[5]) {
        for (const char *p = s + 5; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == ':' || *p == '-'))
                return false;
        if (strlen(s + 5) > CRM_ATTR_KEY_MAX)
            return false;
        t->type = T_ATTR;
        t->arg = s + 5;
        return true;
    }
    return false;
}

/* Header names a column's target is guessed from, folded as fold() does:
 * ASCII lower case, without spaces, '-', '_' and '.'. English, German,
 * French, Spanish and Dutch. */
static const struct {
    const char *header;
    const char *target;
} guesses[] = {
    { "name", "name" }, { "fullname", "name" }, { "displayname", "name" },
    { "nom", "name" }, { "nomcomplet", "name" }, { "nombre", "name" },
    { "nombrecompleto", "name" }, { "naam", "name" }, { "volledigenaam", "name" },
    { "vollständigername", "name" }, { "kontakt", "name" }, { "contact", "name" },
    { "firstname", "given_name" }, { "givenname", "given_name" }, { "vorname", "given_name" },
    { "prénom", "given_name" }, { "prenom", "given_name" }, { "voornaam", "given_name" },
    { "lastname", "family_name" }, { "familyname", "family_name" }, { "surname", "family_name" },
    { "nachname", "family_name" }, { "nomdefamille", "family_name" },
    { "apellido", "family_name" }, { "apellidos", "family_name" },
    { "achternaam", "family_name" },
    { "email", "email" }, { "emailaddress", "email" }, { "mail", "email" },
    { "emailadresse", "email" }, { "courriel", "email" }, { "adresseemail", "email" },
    { "adressecourriel", "email" }, { "correo", "email" }, { "correoelectronico", "email" },
    { "correoelectrónico", "email" }, { "emailadres", "email" },
    { "phone", "phone" }, { "phonenumber", "phone" }, { "telephone", "phone" },
    { "tel", "phone" }, { "telefon", "phone" }, { "telefonnummer", "phone" },
    { "téléphone", "phone" }, { "teléfono", "phone" }, { "telefono", "phone" },
    { "telefoon", "phone" }, { "telefoonnummer", "phone" }, { "mobile", "phone" },
    { "mobilephone", "phone" }, { "mobil", "phone" }, { "handy", "phone" },
    { "mobiltelefon", "phone" }, { "portable", "phone" }, { "móvil", "phone" },
    { "movil", "phone" }, { "celular", "phone" }, { "mobiel", "phone" }, { "cell", "phone" },
    { "cellphone", "phone" },
    { "company", "organisation" }, { "organisation", "organisation" },
    { "organization", "organisation" }, { "firma", "organisation" },
    { "unternehmen", "organisation" }, { "société", "organisation" },
    { "societe", "organisation" }, { "entreprise", "organisation" },
    { "empresa", "organisation" }, { "bedrijf", "organisation" },
    { "organisatie", "organisation" },
    { "tags", "tags" }, { "tag", "tags" }, { "labels", "tags" }, { "schlagwörter", "tags" },
    { "étiquettes", "tags" }, { "etiquettes", "tags" }, { "etiquetas", "tags" },
    { "categories", "tags" }, { "kategorien", "tags" },
    { "birthday", "birthday" }, { "birthdate", "birthday" }, { "dateofbirth", "birthday" },
    { "geburtstag", "birthday" }, { "geburtsdatum", "birthday" },
    { "anniversaire", "birthday" }, { "datedenaissance", "birthday" },
    { "cumpleaños", "birthday" }, { "fechadenacimiento", "birthday" },
    { "verjaardag", "birthday" }, { "geboortedatum", "birthday" },
    { "owner", "owner" }, { "accountmanager", "owner" }, { "betreuer", "owner" },
    { "propriétaire", "owner" }, { "responsable", "owner" }, { "eigenaar", "owner" },
    { "note", "note" }, { "notes", "note" }, { "notiz", "note" }, { "notizen", "note" },
    { "remarque", "note" }, { "remarques", "note" }, { "nota", "note" }, { "notas", "note" },
    { "notitie", "note" }, { "opmerkingen", "note" }, { "comment", "note" },
    { "comments", "note" },
    { "kind", "kind" }, { "id", "id" },
};

static void fold(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++) {
        char c = *s;
        if (c == ' ' || c == '-' || c == '_' || c == '.' || c == '\t')
            continue;
        out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = '\0';
}

/* The target of a header: its own text when that is a target ("attr:vat",
 * as the export writes), else the table's guess, else ignored. */
static void guess(char *header, target *t)
{
    if (parse_target(header, t))
        return;
    char f[128];
    fold(header, f, sizeof f);
    for (size_t i = 0; i < sizeof guesses / sizeof guesses[0]; i++) {
        if (strcmp(f, guesses[i].header) == 0) {
            parse_target((char *)guesses[i].target, t);
            return;
        }
    }
    *t = (target){ T_IGNORE, NULL, ';' };
}

/* ---- the parse ------------------------------------------------------------- */

typedef struct field {
    size_t off, len;
    int64_t line;
    bool present;
} field;

typedef struct csv_ctx {
    crm__import im;
    crm_db *db;
    int rc;           /* the import's failure, which stops the parse */
    int64_t line;     /* the physical line being fed */
    int64_t next_line; /* where the next field starts */
    crm__text buf;    /* the row's fields, each NUL-terminated */
    field *fields;
    size_t nfields, cap;
    bool have_header;
    target *targets;
    size_t ntargets;
    char *mapping; /* the caller's mapping, copied: targets point into it */
    char **headers;
    int64_t bytes;
    char scratch[CRM_NAME_MAX * 2 + 2];
} csv_ctx;

static void on_field(void *s, size_t len, void *data)
{
    csv_ctx *x = data;
    if (x->rc)
        return;
    if (x->nfields == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 16;
        field *f = crm__realloc(x->fields, cap * sizeof *f);
        if (!f) {
            x->rc = crm__error(x->db, CRM_ENOMEM, "out of memory importing CSV");
            return;
        }
        x->fields = f;
        x->cap = cap;
    }
    field *f = &x->fields[x->nfields++];
    f->off = x->buf.len;
    f->len = s ? len : 0;
    f->line = x->next_line;
    f->present = true;
    if (s && len)
        crm__text_add(&x->buf, s, len);
    crm__text_addc(&x->buf, '\0');
    if (x->buf.failed)
        x->rc = crm__error(x->db, CRM_ENOMEM, "out of memory importing CSV");
    x->next_line = x->line;
}

static char *field_text(csv_ctx *x, size_t i)
{
    return x->buf.s + x->fields[i].off;
}

static bool space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trim white space (line breaks too) at both ends, in place. */
static char *trim(char *s)
{
    while (space(*s))
        s++;
    size_t n = strlen(s);
    while (n && space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int check_field(csv_ctx *x, size_t i)
{
    field *f = &x->fields[i];
    const char *s = field_text(x, i);
    x->im.col = (int64_t)i + 1;
    if (memchr(s, '\0', f->len))
        return crm__import_bad(&x->im, (int64_t)i + 1, CRM_EINVAL, "a NUL byte in the field");
    if (!crm__utf8_valid(s, f->len))
        return crm__import_bad(&x->im, (int64_t)i + 1, CRM_EINVAL,
                               "the field is not valid UTF-8");
    return CRM_OK;
}

static int read_header(csv_ctx *x)
{
    x->im.line = x->nfields ? x->fields[0].line : x->line;
    x->ntargets = x->nfields;
    x->targets = crm__calloc(x->nfields ? x->nfields : 1, sizeof *x->targets);
    x->headers = crm__calloc(x->nfields ? x->nfields : 1, sizeof *x->headers);
    if (!x->targets || !x->headers)
        return crm__error(x->db, CRM_ENOMEM, "out of memory importing CSV");
    for (size_t i = 0; i < x->nfields; i++) {
        int rc = check_field(x, i);
        if (rc)
            return rc;
        x->headers[i] = crm__strdup(trim(field_text(x, i)));
        if (!x->headers[i])
            return crm__error(x->db, CRM_ENOMEM, "out of memory importing CSV");
        if (!x->mapping)
            guess(x->headers[i], &x->targets[i]);
    }
    if (!x->mapping)
        return CRM_OK;
    /* The caller's mapping: "column=target" lines. */
    char q[CRM__QUOTE_SIZE];
    for (char *line = x->mapping; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char *l = trim(line);
        if (*l) {
            char *eq = strrchr(l, '=');
            if (!eq)
                return crm__error(x->db, CRM_EINVAL,
                                  "mapping line '%s' is not column=target",
                                  crm__quote(q, sizeof q, l));
            *eq = '\0';
            char *col = trim(l), *tg = trim(eq + 1);
            target t;
            if (!parse_target(tg, &t))
                return crm__error(x->db, CRM_EINVAL,
                                  "mapping: '%s' is not a target (name, given_name, "
                                  "family_name, kind, owner, id, tags, tags:<c>, birthday, "
                                  "phone, email, identity:<kind>, attr:<key>, organisation, "
                                  "note, ignore)",
                                  crm__quote(q, sizeof q, tg));
            size_t i = 0;
            while (i < x->nfields && strcmp(x->headers[i], col) != 0)
                i++;
            if (i == x->nfields)
                return crm__error(x->db, CRM_EINVAL,
                                  "mapping names column '%s', which the header does not have",
                                  crm__quote(q, sizeof q, col));
            for (; i < x->nfields; i++)
                if (strcmp(x->headers[i], col) == 0)
                    x->targets[i] = t;
        }
        line = end ? end + 1 : NULL;
    }
    return CRM_OK;
}

/* Split a cell at sep into items of the row's list a. */
static int split(csv_ctx *x, crm__row_item *list, int *n, const char *a, char *s, char sep,
                 int64_t col, bool value_is_b)
{
    for (char *p = s; p;) {
        char *next = strchr(p, sep);
        if (next)
            *next++ = '\0';
        char *v = trim(p);
        if (*v) {
            int rc = value_is_b ? crm__row_add(&x->im, list, n, a, v, col)
                                : crm__row_add(&x->im, list, n, v, NULL, col);
            if (rc)
                return rc;
        }
        p = next;
    }
    return CRM_OK;
}

static int read_row(csv_ctx *x)
{
    crm__row r;
    memset(&r, 0, sizeof r);
    x->im.line = x->fields[0].line;
    x->im.col = 0;
    const char *given = NULL, *family = NULL;
    int64_t given_col = 0;
    bool any = false;
    for (size_t i = 0; i < x->nfields; i++) {
        int rc = check_field(x, i);
        if (rc)
            return rc;
        char *v = trim(field_text(x, i));
        if (!*v)
            continue;
        any = true;
        if (i >= x->ntargets)
            return crm__import_bad(&x->im, (int64_t)i + 1, CRM_EINVAL,
                                   "the row has %zu fields, the header %zu", x->nfields,
                                   x->ntargets);
        const target *t = &x->targets[i];
        int64_t col = (int64_t)i + 1;
        switch (t->type) {
        case T_NAME:
            r.name = v;
            r.name_col = col;
            break;
        case T_GIVEN:
            given = v;
            given_col = col;
            break;
        case T_FAMILY:
            family = v;
            if (!given_col)
                given_col = col;
            break;
        case T_OWNER:
            r.owner = v;
            r.owner_col = col;
            break;
        case T_ID:
            r.id = v;
            r.id_col = col;
            break;
        case T_KIND: {
            crm_customer_kind_t k;
            char q[CRM__QUOTE_SIZE];
            if (crm_customer_kind_parse(&k, v) != CRM_OK)
                return crm__import_bad(&x->im, col, CRM_EINVAL,
                                       "kind '%s' is not person or organisation",
                                       crm__quote(q, sizeof q, v));
            r.kind = (int)k;
            r.kind_col = col;
            break;
        }
        case T_BIRTHDAY:
            if (!crm__parse_birthday(v, &r.byear, &r.bmonth, &r.bday)) {
                char q[CRM__QUOTE_SIZE];
                return crm__import_bad(&x->im, col, CRM_EINVAL,
                                       "birthday '%s' is not a date YYYY-MM-DD or --MM-DD",
                                       crm__pquote(x->db, q, sizeof q, v));
            }
            r.birthday = true;
            r.bday_col = col;
            break;
        case T_TAGS: {
            int rc = split(x, r.tags, &r.ntags, NULL, v, t->sep, col, false);
            if (rc)
                return rc;
            break;
        }
        case T_IDENTITY: {
            int rc = split(x, r.ids, &r.nids, t->arg, v, ';', col, true);
            if (rc)
                return rc;
            break;
        }
        case T_ATTR: {
            int rc = crm__row_add(&x->im, r.attrs, &r.nattrs, t->arg, v, col);
            if (rc)
                return rc;
            break;
        }
        default:
            break;
        }
    }
    if (!any)
        return CRM_OK; /* a row of empty fields says nothing */
    if (!r.name && (given || family)) {
        snprintf(x->scratch, sizeof x->scratch, "%s%s%s", given ? given : "",
                 given && family ? " " : "", family ? family : "");
        r.name = x->scratch;
        r.name_col = given_col;
    }
    return crm__import_row(&x->im, &r);
}

static void on_row(int c, void *data)
{
    (void)c;
    csv_ctx *x = data;
    if (x->rc == CRM_OK && x->nfields) {
        int rc;
        if (!x->have_header) {
            x->im.col = 0;
            rc = read_header(x);
            x->have_header = true;
            if (rc && x->im.col > 0)
                rc = crm__import_fail_at(&x->im, rc);
        } else {
            x->im.rows++;
            rc = read_row(x);
            if (rc)
                rc = crm__import_row_failed(&x->im, rc);
            crm__import_progress(&x->im, x->bytes);
        }
        x->rc = rc;
    }
    x->nfields = 0;
    x->buf.len = 0;
    x->next_line = x->line + 1;
}

/* The length of the physical line at s, its end included: a line ends
 * with LF, CR LF, or a CR alone (as old Macs wrote), as libcsv ends rows. */
static size_t line_length(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            return i + 1;
        if (s[i] == '\r')
            return i + 1 < len && s[i + 1] == '\n' ? i + 2 : i + 1;
    }
    return len;
}

/* The delimiter of the header line: the most frequent of ',', ';' and tab
 * outside quotes (a spreadsheet set to a European locale writes ';'). */
static unsigned char delimiter(const char *s, size_t len)
{
    size_t n[3] = { 0, 0, 0 };
    bool quoted = false;
    for (size_t i = 0; i < len && (quoted || (s[i] != '\n' && s[i] != '\r')); i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted)
            n[0] += s[i] == ',', n[1] += s[i] == ';', n[2] += s[i] == '\t';
    }
    return n[1] > n[0] && n[1] >= n[2] ? ';' : n[2] > n[0] ? '\t' : ',';
}

static void *csv_realloc(void *p, size_t n)
{
    return crm__realloc(p, n);
}

static int parser_init(struct csv_parser *p, unsigned char delim)
{
    if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return -1;
    csv_set_realloc_func(p, csv_realloc);
    csv_set_free_func(p, crm__free);
    csv_set_delim(p, delim);
    return 0;
}

/* A CSV syntax error at the place the parser reached. */
static int syntax_error(csv_ctx *x, struct csv_parser *p, int64_t line)
{
    if (csv_error(p) == CSV_ENOMEM || csv_error(p) == CSV_ETOOBIG)
        return crm__error(x->db, CRM_ENOMEM, "out of memory importing CSV");
    x->im.line = line;
    crm__import_bad(&x->im, (int64_t)x->nfields + 1, CRM_EINVAL,
                    "malformed CSV: a quote inside an unquoted field, text after a closing "
                    "quote, or a quoted field that is never closed");
    return crm__import_row_failed(&x->im, CRM_EINVAL);
}

static int parse(csv_ctx *x, const char *data, size_t len)
{
    size_t pos = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    unsigned char delim = delimiter(data + pos, len - pos);
    struct csv_parser p;
    if (parser_init(&p, delim))
        return crm__error(x->db, CRM_ENOMEM, "out of memory importing CSV");
    x->line = 0;
    x->next_line = 1;
    bool broken = false; /* the parser refused: skip to the next line */
    while (pos < len && x->rc == CRM_OK) {
        size_t n = line_length(data + pos, len - pos);
        x->line++;
        x->bytes = (int64_t)(pos + n);
        if (broken) {
            /* A bad row's rest: the next row starts on a line of its own. */
            broken = false;
            x->next_line = x->line;
        }
        size_t done = csv_parse(&p, data + pos, n, on_field, on_row, x);
        if (done != n && x->rc == CRM_OK) {
            x->rc = syntax_error(x, &p, x->line);
            csv_free(&p);
            x->nfields = 0;
            x->buf.len = 0;
            if (x->rc == CRM_OK && parser_init(&p, delim))
                return crm__error(x->db, CRM_ENOMEM, "out of memory importing CSV");
            if (x->rc) {
                return x->rc;
            }
            broken = true;
            x->next_line = x->line + 1;
        }
        pos += n;
    }
    if (x->rc == CRM_OK && csv_fini(&p, on_field, on_row, x) != 0 && x->rc == CRM_OK) {
        int64_t line = x->nfields ? x->fields[0].line : x->next_line;
        x->rc = syntax_error(x, &p, line);
    }
    csv_free(&p);
    if (x->rc == CRM_OK && !x->have_header)
        x->rc = crm__error(x->db, CRM_EINVAL, "the CSV has no header row");
    return x->rc;
}

static int import(crm_import_result **out, crm_db *db, const char *path, const char *data,
                  size_t len, const crm_import_options *opts)
{
    csv_ctx x;
    memset(&x, 0, sizeof x);
    x.db = db;
    int rc = crm__import_begin(&x.im, db, path ? (const void *)path : (const void *)data, opts,
                               "CSV", true);
    if (rc)
        return rc;
    char *file = NULL;
    if (path) {
        rc = crm__file_read(db, path, &file, &len);
        data = file;
    }
    if (rc == CRM_OK && x.im.o.mapping) {
        rc = crm__check_text(db, "mapping", x.im.o.mapping, 0, 65536, 0);
        if (rc == CRM_OK && !(x.mapping = crm__strdup(x.im.o.mapping)))
            rc = crm__error(db, CRM_ENOMEM, "out of memory importing CSV");
    }
    if (rc == CRM_OK)
        rc = parse(&x, data, len);
    rc = crm__import_end(&x.im, rc, out);
    crm__free(file);
    crm__free(x.fields);
    crm__text_fini(&x.buf);
    crm__free(x.targets);
    for (size_t i = 0; x.headers && i < x.ntargets; i++)
        crm__free(x.headers[i]);
    crm__free(x.headers);
    crm__free(x.mapping);
    return rc;
}

int crm_csv_import(crm_import_result **out, crm_db *db, const char *path,
                   const crm_import_options *opts)
{
    CRM__ENTER(db);
    return import(out, db, path, NULL, 0, opts);
}

int crm_csv_import_mem(crm_import_result **out, crm_db *db, const char *data, size_t len,
                       const crm_import_options *opts)
{
    CRM__ENTER(db);
    return import(out, db, NULL, data, len, opts);
}

/* ---- export ---------------------------------------------------------------- */

typedef struct names {
    char **v;
    size_t n;
} names;

static void names_free(names *n)
{
    for (size_t i = 0; i < n->n; i++)
        crm__free(n->v[i]);
    crm__free(n->v);
    n->v = NULL;
    n->n = 0;
}

static int read_names(crm_db *db, crm__query q, names *out)
{
    CRM__ST(st);
    int rc = crm__st_get(db, q, &st);
    while (rc == CRM_OK && (rc = crm__st_step(st, "listing columns for an export")) == CRM_ROW) {
        const char *s = crm__col_text(st, 0);
        char **v = crm__realloc(out->v, (out->n + 1) * sizeof *v);
        if (v)
            out->v = v;
        char *c = s && v ? crm__strdup(s) : NULL;
        if (!c)
            return crm__error(db, CRM_ENOMEM, "out of memory exporting");
        out->v[out->n++] = c;
        rc = CRM_OK;
    }
    return rc == CRM_DONE ? CRM_OK : rc;
}

static void put_field(crm__text *t, const char *s)
{
    bool quote = *s && (strpbrk(s, ",;\"\r\n\t") || s[0] == ' ' || s[strlen(s) - 1] == ' ');
    if (!quote) {
        crm__text_adds(t, s);
        return;
    }
    crm__text_addc(t, '"');
    for (; *s; s++) {
        if (*s == '"')
            crm__text_addc(t, '"');
        crm__text_addc(t, *s);
    }
    crm__text_addc(t, '"');
}

/* Cells of one customer: values joined by ";" in a text per column. */
static int customer_cells(crm_db *db, const char *id, const names *kinds, const names *keys,
                          crm__text *cells)
{
    size_t nk = kinds->n;
    crm_identity_cursor *ic = NULL;
    int rc = crm_identity_list_open(&ic, db, id);
    const crm_identity *i;
    while (rc == CRM_OK && (rc = crm_identity_cursor_next(ic, &i)) == CRM_ROW) {
        for (size_t k = 0; k < nk; k++) {
            if (strcmp(kinds->v[k], crm_identity_kind(i)) == 0) {
                if (cells[3 + k].len)
                    crm__text_addc(&cells[3 + k], ';');
                crm__text_adds(&cells[3 + k], crm_identity_value(i));
            }
        }
        rc = CRM_OK;
    }
    crm_identity_cursor_free(ic);
    if (rc != CRM_DONE)
        return rc;
    crm_attr_cursor *ac = NULL;
    rc = crm_attr_list_open(&ac, db, id);
    const crm_attr *a;
    while (rc == CRM_OK && (rc = crm_attr_cursor_next(ac, &a)) == CRM_ROW) {
        for (size_t k = 0; k < keys->n; k++)
            if (strcmp(keys->v[k], crm_attr_key(a)) == 0)
                crm__text_adds(&cells[3 + nk + k], crm_attr_value(a));
        rc = CRM_OK;
    }
    crm_attr_cursor_free(ac);
    if (rc != CRM_DONE)
        return rc;
    crm_tag_cursor *tc = NULL;
    rc = crm_tag_list_open(&tc, db, id);
    const char *tag;
    while (rc == CRM_OK && (rc = crm_tag_cursor_next(tc, &tag)) == CRM_ROW) {
        if (cells[0].len)
            crm__text_addc(&cells[0], ';');
        crm__text_adds(&cells[0], tag);
        rc = CRM_OK;
    }
    crm_tag_cursor_free(tc);
    if (rc != CRM_DONE)
        return rc;
    crm_occasion_cursor *oc = NULL;
    rc = crm_occasion_list_open(&oc, db, id);
    const crm_occasion *o;
    while (rc == CRM_OK && (rc = crm_occasion_cursor_next(oc, &o)) == CRM_ROW) {
        if (strcmp(crm_occasion_kind(o), "birthday") == 0 && crm_occasion_is_yearly(o) &&
            !cells[1].len) {
            char b[16];
            if (crm_occasion_year(o))
                snprintf(b, sizeof b, "%04d-%02d-%02d", crm_occasion_year(o),
                         crm_occasion_month(o), crm_occasion_day(o));
            else
                snprintf(b, sizeof b, "--%02d-%02d", crm_occasion_month(o), crm_occasion_day(o));
            crm__text_adds(&cells[1], b);
        }
        rc = CRM_OK;
    }
    crm_occasion_cursor_free(oc);
    return rc == CRM_DONE ? CRM_OK : rc;
}

static int export_csv(crm_db *db, crm__text *t)
{
    names kinds = { 0 }, keys = { 0 };
    int rc = read_names(db, CRM__Q_IO_IDENTITY_KINDS, &kinds);
    if (rc == CRM_OK)
        rc = read_names(db, CRM__Q_IO_ATTR_KEYS, &keys);
    size_t ncells = 3 + kinds.n + keys.n;
    crm__text *cells = rc == CRM_OK ? crm__calloc(ncells, sizeof *cells) : NULL;
    if (rc == CRM_OK && !cells)
        rc = crm__error(db, CRM_ENOMEM, "out of memory exporting");
    if (rc == CRM_OK) {
        crm__text_adds(t, "id,kind,name,owner,tags,birthday");
        char col[CRM_ATTR_KEY_MAX + 16];
        for (size_t k = 0; k < kinds.n; k++) {
            snprintf(col, sizeof col, "identity:%s", kinds.v[k]);
            crm__text_addc(t, ',');
            put_field(t, col);
        }
        for (size_t k = 0; k < keys.n; k++) {
            snprintf(col, sizeof col, "attr:%s", keys.v[k]);
            crm__text_addc(t, ',');
            put_field(t, col);
        }
        crm__text_adds(t, "\r\n");
    }
    crm_customer_cursor *cur = NULL;
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.archived = CRM_ARCHIVED_INCLUDE;
    if (rc == CRM_OK)
        rc = crm_customer_list_open(&cur, db, &f);
    const crm_customer *c;
    while (rc == CRM_OK && (rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW) {
        for (size_t k = 0; k < ncells; k++)
            cells[k].len = 0;
        rc = customer_cells(db, crm_customer_id(c), &kinds, &keys, cells);
        if (rc)
            break;
        crm__text_adds(t, crm_customer_id(c));
        crm__text_addc(t, ',');
        crm__text_adds(t, crm_customer_kind_name(crm_customer_kind(c)));
        crm__text_addc(t, ',');
        put_field(t, crm_customer_name(c));
        crm__text_addc(t, ',');
        put_field(t, crm_customer_owner(c) ? crm_customer_owner(c) : "");
        for (size_t k = 0; k < ncells; k++) {
            if (k == 2)
                continue;
            if (cells[k].failed)
                t->failed = true;
            crm__text_addc(t, ',');
            put_field(t, cells[k].len ? cells[k].s : "");
        }
        crm__text_adds(t, "\r\n");
    }
    crm_customer_cursor_free(cur);
    if (rc == CRM_DONE)
        rc = CRM_OK;
    for (size_t k = 0; cells && k < ncells; k++)
        crm__text_fini(&cells[k]);
    crm__free(cells);
    names_free(&kinds);
    names_free(&keys);
    return rc;
}

int crm_csv_export(crm_db *db, const char *path)
{
    CRM__ENTER(db);
    return crm__export_file(db, export_csv, path);
}

int crm_csv_export_mem(char **out, crm_db *db)
{
    CRM__ENTER(db);
    return crm__export_mem(db, export_csv, out);
}
