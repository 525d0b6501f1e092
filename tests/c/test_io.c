/*
 * libcrm tests - import and export: CSV, vCard and JSON Lines.
 */
#include "test.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int import_csv(crm_import_result **out, crm_db *db, const char *text,
                      const crm_import_options *o)
{
    return crm_csv_import_mem(out, db, text, strlen(text), o);
}

static int import_vcard(crm_import_result **out, crm_db *db, const char *text,
                        const crm_import_options *o)
{
    return crm_vcard_import_mem(out, db, text, strlen(text), o);
}

static int import_jsonl(crm_import_result **out, crm_db *db, const char *text,
                        const crm_import_options *o)
{
    return crm_jsonl_import_mem(out, db, text, strlen(text), o);
}

/* The id of the customer holding an identity, or "" (static buffer). */
static const char *holder(crm_db *db, const char *kind, const char *value)
{
    static char id[CRM_ID_LEN + 1];
    crm_customer *c = NULL;
    id[0] = '\0';
    if (crm_identity_lookup(&c, db, kind, value) == CRM_OK)
        memcpy(id, crm_customer_id(c), sizeof id);
    crm_customer_free(c);
    return id;
}

static const char *name_of(crm_db *db, const char *id)
{
    static char name[CRM_NAME_MAX + 1];
    crm_customer *c = NULL;
    name[0] = '\0';
    if (crm_customer_get(&c, db, id) == CRM_OK)
        snprintf(name, sizeof name, "%s", crm_customer_name(c));
    crm_customer_free(c);
    return name;
}

static const char *attr_of(crm_db *db, const char *id, const char *key)
{
    static char v[CRM_ATTR_VALUE_MAX + 1];
    char *s = NULL;
    v[0] = '\0';
    if (crm_attr_get(&s, db, id, key) == CRM_OK)
        snprintf(v, sizeof v, "%s", s);
    else
        snprintf(v, sizeof v, "<unset>");
    crm_free(s);
    return v;
}

/* The customer's tags joined by "|". */
static const char *tags_of(crm_db *db, const char *id)
{
    static char buf[1024];
    crm_tag_cursor *cur = NULL;
    const char *t;
    size_t n = 0;
    buf[0] = '\0';
    if (crm_tag_list_open(&cur, db, id) != CRM_OK)
        return "ERR";
    while (crm_tag_cursor_next(cur, &t) == CRM_ROW)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? "|" : "", t);
    crm_tag_cursor_free(cur);
    return buf;
}

/* The customer's birthday as "Y-M-D" (year 0 when unknown), or "". */
static const char *birthday_of(crm_db *db, const char *id)
{
    static char buf[64];
    crm_occasion_cursor *cur = NULL;
    const crm_occasion *o;
    buf[0] = '\0';
    if (crm_occasion_list_open(&cur, db, id) != CRM_OK)
        return "ERR";
    while (crm_occasion_cursor_next(cur, &o) == CRM_ROW)
        if (strcmp(crm_occasion_kind(o), "birthday") == 0 && crm_occasion_is_yearly(o))
            snprintf(buf, sizeof buf, "%d-%d-%d", crm_occasion_year(o), crm_occasion_month(o),
                     crm_occasion_day(o));
    crm_occasion_cursor_free(cur);
    return buf;
}

static int64_t customers(crm_db *db)
{
    int64_t n = -1;
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.archived = CRM_ARCHIVED_INCLUDE;
    crm_customer_count(&n, db, &f);
    return n;
}

/* ---- CSV ----------------------------------------------------------------------------- */

/* A BOM, CRLF, a quoted field over two lines with embedded quotes, German and
 * French headers, a separator of ';' inside the tags cell. */
static const char csv_basic[] =
    "\xEF\xBB\xBF"
    "Name,E-Mail,Telefon,Tags,Geburtstag,Firma,Notes\r\n"
    "Anna Schmidt,anna@example.de,+49 30 1234567,vip;newsletter,1980-02-29,ACME GmbH,\r\n"
    "\"Bob \"\"Bobby\"\" Brown\",bob@example.com,,,--12-24,,\"first line\r\nsecond line\"\r\n"
    "Chloé Martin,,+33 1 23 45 67 89,,,\"Société, SA\",\r\n";

TEST(csv_import_basic)
{
    crm_db *db = test_open_memory();
    crm_import_result *r = NULL;
    CHECK_OK(db, import_csv(&r, db, csv_basic, NULL));
    CHECK_INT(crm_import_result_created(r), 3);
    CHECK_INT(crm_import_result_updated(r), 0);
    CHECK_INT(crm_import_result_unchanged(r), 0);
    CHECK_INT(crm_import_result_skipped(r), 0);
    CHECK_INT(crm_import_result_error_count(r), 0);
    CHECK(crm_import_result_error(r, 0) == NULL);
    crm_import_result_free(r);
    CHECK_INT(customers(db), 3);

    char anna[CRM_ID_LEN + 1], bob[CRM_ID_LEN + 1], chloe[CRM_ID_LEN + 1];
    snprintf(anna, sizeof anna, "%s", holder(db, "email", "anna@example.de"));
    snprintf(bob, sizeof bob, "%s", holder(db, "email", "BOB@example.com"));
    snprintf(chloe, sizeof chloe, "%s", holder(db, "phone", "+33123456789"));
    CHECK(*anna && *bob && *chloe);
    CHECK_STR(holder(db, "phone", "+49301234567"), anna);
    CHECK_STR(name_of(db, anna), "Anna Schmidt");
    CHECK_STR(name_of(db, bob), "Bob \"Bobby\" Brown");
    CHECK_STR(name_of(db, chloe), "Chloé Martin");
    CHECK_STR(tags_of(db, anna), "newsletter|vip");
    CHECK_STR(birthday_of(db, anna), "1980-2-29");
    CHECK_STR(birthday_of(db, bob), "0-12-24");
    CHECK_STR(attr_of(db, anna, "organisation"), "ACME GmbH");
    CHECK_STR(attr_of(db, chloe, "organisation"), "Société, SA");
    CHECK_STR(attr_of(db, bob, "note"), "first line\r\nsecond line");
    CHECK_STR(attr_of(db, anna, "note"), "<unset>");
    crm_close(db);
}

TEST(csv_reimport_adds_nothing)
{
    crm_db *db = test_open_memory();
    CHECK_OK(db, import_csv(NULL, db, csv_basic, NULL));
    int64_t seq = test_last_seq(db);
    crm_import_result *r = NULL;
    CHECK_OK(db, import_csv(&r, db, csv_basic, NULL));
    CHECK_INT(crm_import_result_created(r), 0);
    CHECK_INT(crm_import_result_updated(r), 0);
    CHECK_INT(crm_import_result_unchanged(r), 3);
    crm_import_result_free(r);
    CHECK_INT(customers(db), 3);
    CHECK_INT(test_last_seq(db), seq); /* not one journal entry */

    /* A row that names Anna by her phone extends her: a new e-mail, a tag, a new name. */
    const char *more = "name,phone,email,tags\n"
                       "Anna Schmidt-Weber,+49 30 1234567,anna.weber@example.de,customer\n";
    CHECK_OK(db, import_csv(&r, db, more, NULL));
    CHECK_INT(crm_import_result_created(r), 0);
    CHECK_INT(crm_import_result_updated(r), 1);
    crm_import_result_free(r);
    const char *anna = holder(db, "email", "anna@example.de");
    CHECK_STR(holder(db, "email", "anna.weber@example.de"), anna);
    CHECK_STR(name_of(db, anna), "Anna Schmidt-Weber");
    CHECK_STR(tags_of(db, anna), "customer|newsletter|vip");
    CHECK_INT(customers(db), 3);
    crm_close(db);
}

/* Each change of an import has the journal entry its call writes; a
 * malformed id in an id column is the row's error. */
TEST(csv_journal_and_ids)
{
    crm_db *db = test_open_memory();
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, import_csv(NULL, db,
                            "name,email,phone,tags\nJo,jo@example.com,+1 415 555 0100,vip\n",
                            NULL));
    char jo[CRM_ID_LEN + 1];
    snprintf(jo, sizeof jo, "%s", holder(db, "email", "jo@example.com"));
    test_jrow want[] = {
        { "customer", "create", jo, { "\"name\":\"Jo\"" }, NULL },
        { "identity", "add", jo, { "jo@example.com" }, NULL },
        { "identity", "add", jo, { "+14155550100" }, NULL },
        { "tag", "add", jo, { "vip" }, NULL },
    };
    CHECK(test_journal_is(db, seq, want, 4));
    CHECK_FAILS2(db, import_csv(NULL, db, "id,name\n0190-not-an-id,Al\n", NULL), CRM_EINVAL,
                 "CSV line 2, column 1", "id");
    for (int i = 0; test_bad_ids[i]; i++) {
        char text[256];
        snprintf(text, sizeof text, "id,name\n\"%s\",Al\n", test_bad_ids[i]);
        crm_import_result *r = NULL;
        int rc = import_csv(&r, db, text, NULL);
        CHECK(rc == CRM_EINVAL || rc == CRM_OK); /* an empty or blank id is no id at all */
        crm_import_result_free(r);
    }
    /* An id of this file names its customer; one it does not have is no match. */
    char text[256];
    snprintf(text, sizeof text, "id,name,email\n%s,Jo Renamed,\n%s,New,new@example.com\n", jo,
             TEST_UNKNOWN_ID);
    crm_import_result *r = NULL;
    CHECK_OK(db, import_csv(&r, db, text, NULL));
    CHECK_INT(crm_import_result_updated(r), 1);
    CHECK_INT(crm_import_result_created(r), 1);
    crm_import_result_free(r);
    CHECK_STR(name_of(db, jo), "Jo Renamed");
    CHECK(strcmp(holder(db, "email", "new@example.com"), TEST_UNKNOWN_ID) != 0);
    crm_close(db);
}

TEST(csv_row_naming_two_customers)
{
    crm_db *db = test_open_memory();
    CHECK_OK(db, import_csv(NULL, db, csv_basic, NULL));
    /* Anna's e-mail and Chloé's phone in one row. */
    const char *bad = "name,email,phone\n"
                      "Someone,new@example.org,\n"
                      "Mixed,anna@example.de,+33 1 23 45 67 89\n";
    CHECK_FAILS2(db, import_csv(NULL, db, bad, NULL), CRM_EEXISTS, "CSV line 3, column 3",
                 "names two customers");
    CHECK_STR(holder(db, "email", "new@example.org"), ""); /* line 2 went too */

    /* Skipping: line 2 is kept, line 3 reported. */
    crm_import_options o = CRM_IMPORT_OPTIONS_INIT;
    o.on_error = CRM_IMPORT_SKIP;
    crm_import_result *r = NULL;
    CHECK_OK(db, import_csv(&r, db, bad, &o));
    CHECK_INT(crm_import_result_created(r), 1);
    CHECK_INT(crm_import_result_skipped(r), 1);
    CHECK_INT(crm_import_result_error_count(r), 1);
    const crm_import_error *e = crm_import_result_error(r, 0);
    CHECK_INT(crm_import_error_line(e), 3);
    CHECK_INT(crm_import_error_column(e), 3);
    CHECK_INT(crm_import_error_code(e), CRM_EEXISTS);
    CHECK_CONTAINS(crm_import_error_message(e), "names two customers");
    crm_import_result_free(r);
    CHECK(*holder(db, "email", "new@example.org"));
    CHECK_INT(customers(db), 4);
    crm_close(db);
}

TEST(csv_errors_with_lines)
{
    crm_db *db = test_open_memory();
    /* Line 2 holds a quoted field over lines 2-4; the bad rows are on 5, 6, 7, 8, 9. */
    const char *text = "name,email,phone,birthday\n"
                       "Good One,one@example.com,,\"\n1999-02-30\n\"\n"
                       "Bad Utf8,\xC3\x28@example.com,,\n"
                       "Bad Phone,,not a phone,\n"
                       "Bad Day,,,1999-02-29\n"
                       ",,,\n"
                       ",noname@example.com,,\n"
                       "Good Two,two@example.com,,\n";
    CHECK_FAILS2(db, import_csv(NULL, db, text, NULL), CRM_EINVAL, "CSV line 2, column 4",
                 "birthday");
    const char *text2 = "name,email,phone\n"
                        "Good One,one@example.com,\"\n\n\"\n"
                        "Bad Utf8,\xC3\x28@example.com,\n"
                        "Bad Phone,,not a phone\n"
                        "Bad Name, x ,\n"
                        ",,\n"
                        ",noname@example.com,\n"
                        "Good Two,two@example.com,\n";
    CHECK_FAILS2(db, import_csv(NULL, db, text2, NULL), CRM_EINVAL, "CSV line 5, column 2",
                 "UTF-8");
    CHECK_INT(customers(db), 0);

    crm_import_options o = CRM_IMPORT_OPTIONS_INIT;
    o.on_error = CRM_IMPORT_SKIP;
    crm_import_result *r = NULL;
    CHECK_OK(db, import_csv(&r, db, text2, &o));
    CHECK_INT(crm_import_result_created(r), 2);
    crm_import_result_free(r);
    crm_close(db);

    db = test_open_memory();
    o.errors_kept = 2;
    CHECK_OK(db, import_csv(&r, db, text2, &o));
    CHECK_INT(crm_import_result_skipped(r), 4);
    CHECK_INT(crm_import_result_error_count(r), 2);
    crm_import_result_free(r);
    o.errors_kept = 0;
    crm_close(db);

    db = test_open_memory();
    CHECK_OK(db, import_csv(&r, db, text2, &o));
    struct {
        int64_t line, col;
        int code;
        const char *frag;
    } want[] = {
        { 5, 2, CRM_EINVAL, "UTF-8" },
        { 6, 3, CRM_EINVAL, "phone" },
        { 7, 2, CRM_EINVAL, "e-mail" },
        { 9, 1, CRM_EINVAL, "no name" },
    };
    CHECK_INT(crm_import_result_error_count(r), 4);
    for (int i = 0; i < 4 && i < crm_import_result_error_count(r); i++) {
        const crm_import_error *e = crm_import_result_error(r, i);
        CHECK_INT(crm_import_error_line(e), want[i].line);
        CHECK_INT(crm_import_error_column(e), want[i].col);
        CHECK_INT(crm_import_error_code(e), want[i].code);
        CHECK_CONTAINS(crm_import_error_message(e), want[i].frag);
    }
    CHECK_INT(crm_import_result_created(r), 2);
    CHECK_INT(crm_import_result_skipped(r), 4);
    crm_import_result_free(r);
    CHECK_STR(name_of(db, holder(db, "email", "two@example.com")), "Good Two");
    CHECK_INT(customers(db), 2);
    crm_close(db);
}

TEST(csv_malformed)
{
    crm_db *db = test_open_memory();
    CHECK_FAILS2(db, import_csv(NULL, db, "name,email\nA,a\"b@example.com\n", NULL),
                 CRM_EINVAL, "CSV line 2, column 2", "malformed CSV");
    CHECK_FAILS2(db, import_csv(NULL, db, "name,email\nA,a@example.com\n\"B,\n\n", NULL),
                 CRM_EINVAL, "CSV line 3", "never closed");
    CHECK_FAILS(db, import_csv(NULL, db, "", NULL), CRM_EINVAL, "no header");
    CHECK_FAILS2(db, crm_csv_import_mem(NULL, db, "name\nA\0B\n", 9, NULL), CRM_EINVAL,
                 "line 2, column 1", "NUL");
    CHECK_FAILS2(db, import_csv(NULL, db, "na\xFFme\nA\n", NULL), CRM_EINVAL,
                 "line 1, column 1", "UTF-8");
    CHECK_FAILS2(db, import_csv(NULL, db, "name,email\nA,a@example.com,extra\n", NULL),
                 CRM_EINVAL, "column 3", "the header 2");
    CHECK_FAILS(db, import_csv(NULL, db, "name,kind\nA,robot\n", NULL), CRM_EINVAL,
                "not person or organisation");
    char *lng = test_long_string(CRM_NAME_MAX + 1);
    char *text = malloc(strlen(lng) + 16);
    sprintf(text, "name\n%s\n", lng);
    CHECK_FAILS2(db, import_csv(NULL, db, text, NULL), CRM_EINVAL, "line 2, column 1", "name");
    free(text);
    free(lng);

    /* Skipping a malformed row goes on with the next line. */
    crm_import_options o = CRM_IMPORT_OPTIONS_INIT;
    o.on_error = CRM_IMPORT_SKIP;
    crm_import_result *r = NULL;
    CHECK_OK(db, import_csv(&r, db, "name;email\nA;a\"b@example.com\nB;b@example.com\n", &o));
    CHECK_INT(crm_import_result_created(r), 1);
    CHECK_INT(crm_import_result_skipped(r), 1);
    CHECK_INT(crm_import_error_line(crm_import_result_error(r, 0)), 2);
    crm_import_result_free(r);
    CHECK_STR(name_of(db, holder(db, "email", "b@example.com")), "B");

    /* A CR alone ends a line too (old Mac files), as it ends a row. */
    CHECK_OK(db, import_csv(&r, db, "name,email\rC,c@example.com\rD,bad\r\"E\",\"e@\rx\"\r", &o));
    CHECK_INT(crm_import_result_created(r), 1);
    CHECK_INT(crm_import_result_skipped(r), 2);
    CHECK_INT(crm_import_error_line(crm_import_result_error(r, 0)), 3);
    CHECK_INT(crm_import_error_line(crm_import_result_error(r, 1)), 4);
    crm_import_result_free(r);
    crm_close(db);
}

TEST(csv_mapping)
{
    crm_db *db = test_open_memory();
    const char *text = "Kunde,Nr,USt,Gruppen,Mobil,Egal\n"
                       "Dora,K-17,DE123,a/b,+49 171 1234567,x\n";
    crm_import_options o = CRM_IMPORT_OPTIONS_INIT;
    o.mapping = "Kunde=name\nNr=identity:account\nUSt=attr:vat\nGruppen=tags:/\nMobil=phone\n";
    crm_import_result *r = NULL;
    CHECK_OK(db, import_csv(&r, db, text, &o));
    CHECK_INT(crm_import_result_created(r), 1);
    crm_import_result_free(r);
    const char *dora = holder(db, "account", "K-17");
    CHECK_STR(name_of(db, dora), "Dora");
    CHECK_STR(attr_of(db, dora, "vat"), "DE123");
    CHECK_STR(tags_of(db, dora), "a|b");
    CHECK_STR(holder(db, "phone", "+491711234567"), dora);
    CHECK_STR(attr_of(db, dora, "Egal"), "<unset>");

    o.mapping = "Kunde=nom";
    CHECK_FAILS(db, import_csv(NULL, db, text, &o), CRM_EINVAL, "'nom' is not a target");
    o.mapping = "Kunde";
    CHECK_FAILS(db, import_csv(NULL, db, text, &o), CRM_EINVAL, "not column=target");
    o.mapping = "Client=name";
    CHECK_FAILS(db, import_csv(NULL, db, text, &o), CRM_EINVAL, "header does not have");
    o.mapping = "Kunde=attr:bad key";
    CHECK_FAILS(db, import_csv(NULL, db, text, &o), CRM_EINVAL, "not a target");
    o.mapping = "Kunde=identity:Bad";
    CHECK_FAILS(db, import_csv(NULL, db, text, &o), CRM_EINVAL, "not a target");
    o.mapping = "\xC3\x28=name";
    CHECK_FAILS(db, import_csv(NULL, db, text, &o), CRM_EINVAL, "mapping");

    /* Given and family names, Spanish and Dutch headers, kind and owner. */
    const char *es = "Nombre de pila,Apellidos,Correo,Teléfono,kind,Owner\n"
                     "Elena,García López,elena@example.es,,person,agent:ana\n"
                     "Bedrijf BV,,,+31 20 123 4567,organisation,\n";
    CHECK_FAILS2(db, import_csv(NULL, db, es, NULL), CRM_EINVAL, "line 3",
                 "no name"); /* "Nombre de pila" is no header it knows */
    const char *es2 = "Voornaam,Apellidos,Correo,Teléfono,kind,Owner\n"
                      "Elena,García López,elena@example.es,,person,agent:ana\n"
                      "Bedrijf BV,,,+31 20 123 4567,organisation,\n";
    CHECK_OK(db, import_csv(NULL, db, es2, NULL));
    crm_customer *c = NULL;
    CHECK_OK(db, crm_identity_lookup(&c, db, "email", "elena@example.es"));
    CHECK_STR(crm_customer_name(c), "Elena García López");
    CHECK_STR(crm_customer_owner(c), "agent:ana");
    crm_customer_free(c);
    CHECK_OK(db, crm_identity_lookup(&c, db, "phone", "+31201234567"));
    CHECK_INT(crm_customer_kind(c), CRM_CUSTOMER_ORGANISATION);
    CHECK_STR(crm_customer_name(c), "Bedrijf BV");
    crm_customer_free(c);
    /* The organisation again as a person: refused. */
    CHECK_FAILS2(db, import_csv(NULL, db, "name,phone,kind\nX,+31 20 123 4567,person\n", NULL),
                 CRM_EINVAL, "column 3", "organisation, not person");
    crm_close(db);
}

/* An export's lines without their first field (the id, which another file gives anew). */
static char *without_ids(const char *text)
{
    char *out = malloc(strlen(text) + 1), *o = out;
    const char *p = text;
    bool first = true;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) + 1 : strlen(p);
        const char *comma = first ? p : memchr(p, ',', n);
        if (!first && comma)
            n -= (size_t)(comma - p), p = comma;
        memcpy(o, p, n);
        o += n;
        p += n;
        first = false;
    }
    *o = '\0';
    return out;
}

static void fill(crm_db *db)
{
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], org[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ada \"Countess\" Lovelace", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "Grace, Hopper?", b);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Analytical Engines; Ltd", org);
    CHECK_OK(db, crm_identity_add(NULL, db, a, "phone", "+44 20 7946 0000", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, a, "phone", "+44 20 7946 0001", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, a, "email", "ada@example.org", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, b, "account", "G-1", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, org, "email", "info@engines.example", 0));
    CHECK_OK(db, crm_attr_set(db, a, "note", "line one\nline two, with \"quotes\"; and semis"));
    CHECK_OK(db, crm_attr_set(db, a, "organisation", "Engines"));
    CHECK_OK(db, crm_attr_set(db, b, "rank", "Rear Admiral"));
    CHECK_OK(db, crm_attr_set(db, org, "vat:id", "GB 123"));
    CHECK_OK(db, crm_tag_add(db, a, "vip"));
    CHECK_OK(db, crm_tag_add(db, a, "math, logic"));
    CHECK_OK(db, crm_tag_add(db, b, "navy"));
    CHECK_OK(db, crm_customer_set_owner(db, b, "agent:bob"));
    crm_occasion_spec s = CRM_OCCASION_SPEC_INIT;
    s.customer_id = a;
    s.kind = "birthday";
    s.yearly = 1;
    s.year = 1815;
    s.month = 12;
    s.day = 10;
    CHECK_OK(db, crm_occasion_add(NULL, db, &s));
    s.customer_id = b;
    s.year = 0;
    s.month = 2;
    s.day = 29;
    CHECK_OK(db, crm_occasion_add(NULL, db, &s));
}

TEST(csv_round_trip)
{
    crm_db *db = test_open_memory();
    fill(db);
    char *one = NULL;
    CHECK_OK(db, crm_csv_export_mem(&one, db));
    const char *head = "id,kind,name,owner,tags,birthday,identity:account,identity:email,"
                       "identity:phone,attr:note,attr:organisation,attr:rank,attr:vat:id\r\n";
    CHECK(strncmp(one, head, strlen(head)) == 0);
    CHECK_CONTAINS(one, ",person,\"Ada \"\"Countess\"\" Lovelace\",,\"math, logic;vip\","
                        "1815-12-10,,ada@example.org,\"+44 20 7946 0000;+44 20 7946 0001\",");
    CHECK_CONTAINS(one, "--02-29");

    /* Into the same file: every row names its customer, nothing changes. */
    int64_t seq = test_last_seq(db);
    crm_import_result *r = NULL;
    CHECK_OK(db, import_csv(&r, db, one, NULL));
    CHECK_INT(crm_import_result_unchanged(r), 3);
    CHECK_INT(crm_import_result_created(r), 0);
    crm_import_result_free(r);
    CHECK_INT(test_last_seq(db), seq);

    /* Into another: the same export but for the ids. */
    crm_db *db2 = test_open_memory();
    CHECK_OK(db2, import_csv(&r, db2, one, NULL));
    CHECK_INT(crm_import_result_created(r), 3);
    crm_import_result_free(r);
    char *two = NULL;
    CHECK_OK(db2, crm_csv_export_mem(&two, db2));
    char *a = without_ids(one), *b = without_ids(two);
    CHECK_STR(b, a);
    free(a);
    free(b);

    /* Through files. */
    char path[512];
    test_temp_path(path, sizeof path, ".csv");
    CHECK_OK(db, crm_csv_export(db, path));
    char *back = test_slurp_text(path);
    CHECK_STR(back, one);
    free(back);
    CHECK_OK(db2, crm_csv_import(&r, db2, path, NULL));
    CHECK_INT(crm_import_result_created(r), 0);
    CHECK_INT(crm_import_result_unchanged(r), 3);
    crm_import_result_free(r);
    unlink(path);
    crm_free(one);
    crm_free(two);
    crm_close(db);
    crm_close(db2);
}

static void progress(void *ctx, int64_t rows, int64_t bytes)
{
    int64_t *p = ctx;
    CHECK(rows >= p[0] && bytes >= p[1]);
    p[0] = rows;
    p[1] = bytes;
}

TEST(import_bad_arguments)
{
    crm_db *db = test_open_memory();
    crm_import_options o = CRM_IMPORT_OPTIONS_INIT;
    CHECK_NULL_DB(db, crm_csv_import(NULL, NULL, "x", NULL), "crm_csv_import");
    CHECK_NULL_DB(db, crm_vcard_import_mem(NULL, NULL, "x", 1, NULL), "crm_vcard_import_mem");
    CHECK_NULL_DB(db, crm_jsonl_export(NULL, "x"), "crm_jsonl_export");
    CHECK_FAILS(db, crm_csv_import(NULL, db, NULL, NULL), CRM_EINVAL, "NULL");
    CHECK_FAILS(db, crm_csv_import_mem(NULL, db, NULL, 0, NULL), CRM_EINVAL, "NULL");
    CHECK_FAILS(db, crm_vcard_import(NULL, db, NULL, NULL), CRM_EINVAL, "NULL");
    CHECK_FAILS(db, crm_jsonl_import(NULL, db, NULL, NULL), CRM_EINVAL, "NULL");
    CHECK_FAILS(db, crm_csv_import(NULL, db, "/nonexistent/x.csv", NULL), CRM_EIO,
                "cannot open");
    CHECK_FAILS(db, crm_csv_export(db, NULL), CRM_EINVAL, "path");
    CHECK_FAILS(db, crm_csv_export(db, "/nonexistent/x.csv"), CRM_EIO, "cannot create");
    CHECK_FAILS(db, crm_csv_export_mem(NULL, db), CRM_EINVAL, "out");
    CHECK_FAILS(db, crm_vcard_export_mem(NULL, db), CRM_EINVAL, "out");
    CHECK_FAILS(db, crm_jsonl_export_mem(NULL, db), CRM_EINVAL, "out");
    o.version = 0;
    CHECK_FAILS(db, import_csv(NULL, db, "name\nA\n", &o), CRM_EINVAL, "version 0");
    o.version = 99;
    CHECK_FAILS(db, import_csv(NULL, db, "name\nA\n", &o), CRM_EINVAL, "version 99");
    o.version = CRM_IMPORT_OPTIONS_VERSION;
    o.on_error = (crm_import_on_error_t)7;
    CHECK_FAILS(db, import_csv(NULL, db, "name\nA\n", &o), CRM_EINVAL, "on_error 7");
    o.on_error = CRM_IMPORT_SKIP;
    CHECK_FAILS(db, import_jsonl(NULL, db, "{}\n", &o), CRM_EINVAL, "cannot skip");
    o.on_error = CRM_IMPORT_STOP;
    o.kind = (crm_customer_kind_t)5;
    CHECK_FAILS(db, import_csv(NULL, db, "name\nA\n", &o), CRM_EINVAL, "kind 5");
    o.kind = CRM_CUSTOMER_ORGANISATION;
    int64_t seen[2] = { 0, 0 };
    o.progress = progress;
    o.progress_ctx = seen;
    crm_import_result *r = NULL;
    CHECK_OK(db, import_csv(&r, db, "name\nA\nB\n", &o));
    CHECK_INT(seen[0], 2);
    CHECK_INT(seen[1], 9);
    crm_import_result_free(r);
    CHECK_INT(crm_customer_kind(NULL), 0);
    crm_customer_cursor *cur = NULL;
    const crm_customer *row;
    CHECK_OK(db, crm_customer_list_open(&cur, db, NULL));
    CHECK_INT(crm_customer_cursor_next(cur, &row), CRM_ROW);
    CHECK_INT(crm_customer_kind(row), CRM_CUSTOMER_ORGANISATION);
    crm_customer_cursor_free(cur);

    /* Inside a group of the caller's. */
    CHECK_OK(db, crm_begin(db));
    CHECK_FAILS(db, import_csv(NULL, db, "name\nC\n", NULL), CRM_ESTATE, "crm_begin");
    CHECK_OK(db, crm_rollback(db));

    /* Accessors given NULL. */
    CHECK_INT(crm_import_result_created(NULL), 0);
    CHECK_INT(crm_import_result_error_count(NULL), 0);
    CHECK(crm_import_result_error(NULL, 0) == NULL);
    CHECK(crm_import_error_message(NULL) == NULL);
    CHECK_INT(crm_import_error_line(NULL), 0);
    crm_import_result_free(NULL);

    /* The enum. */
    crm_import_on_error_t m;
    CHECK_STR(crm_import_on_error_name(CRM_IMPORT_SKIP), "skip");
    CHECK(crm_import_on_error_name((crm_import_on_error_t)2) == NULL);
    CHECK_OK(NULL, crm_import_on_error_parse(&m, "stop"));
    CHECK_INT(m, CRM_IMPORT_STOP);
    CHECK_RC(NULL, crm_import_on_error_parse(&m, "halt"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "stop, skip");
    CHECK_RC(NULL, crm_import_on_error_parse(NULL, "stop"), CRM_EINVAL);

    /* A read-only handle. */
    char path[512];
    crm_db *fdb = test_open_file(path, sizeof path);
    crm_close(fdb);
    crm_open_options ro = CRM_OPEN_OPTIONS_INIT;
    ro.flags = CRM_OPEN_READONLY;
    CHECK_OK(NULL, crm_open(&fdb, path, &ro));
    CHECK_FAILS(fdb, import_csv(NULL, fdb, "name\nA\n", NULL), CRM_EREADONLY, "read");
    crm_close(fdb);
    test_remove_db(path);
    crm_close(db);
}

/* ---- vCard --------------------------------------------------------------------------- */

static const char vcards[] =
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:Müller;Hans;;Dr.;\r\n"
    "FN:Hans M\r\n"
    " üller\r\n"
    "TEL;TYPE=CELL:+49 170 1234567\r\n"
    "TEL;TYPE=WORK,VOICE:+49 30 7654321\r\n"
    "EMAIL;TYPE=INTERNET:hans@example.de\r\n"
    "ORG:Müller\\, Söhne & Co;Einkauf\r\n"
    "NOTE:Ruft gern an\\nmorgens\\; nie abends\\\\\r\n"
    "BDAY:1980-02-29\r\n"
    "CATEGORIES:vip,Kunde\\, alt\r\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Dupr=E9;Ren=E9\r\n"
    "TEL;CELL:+33612345678\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Caf=C3=A9 au =\r\n"
    "lait\r\n"
    "BDAY;VALUE=date:--0229\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\n"
    "VERSION:4.0\n"
    "KIND:org\n"
    "FN:Acme Corp\n"
    "item1.EMAIL:info@acme.example\n"
    "BDAY;VALUE=date:19991231\n"
    "END:VCARD\n";

TEST(vcard_import)
{
    crm_db *db = test_open_memory();
    crm_import_result *r = NULL;
    CHECK_OK(db, import_vcard(&r, db, vcards, NULL));
    CHECK_INT(crm_import_result_created(r), 3);
    crm_import_result_free(r);
    char hans[CRM_ID_LEN + 1], rene[CRM_ID_LEN + 1], acme[CRM_ID_LEN + 1];
    snprintf(hans, sizeof hans, "%s", holder(db, "email", "hans@example.de"));
    snprintf(rene, sizeof rene, "%s", holder(db, "phone", "+33612345678"));
    snprintf(acme, sizeof acme, "%s", holder(db, "email", "info@acme.example"));
    CHECK(*hans && *rene && *acme);
    CHECK_STR(holder(db, "phone", "+491701234567"), hans);
    CHECK_STR(holder(db, "phone", "+49307654321"), hans);
    CHECK_STR(name_of(db, hans), "Hans Müller");
    CHECK_STR(attr_of(db, hans, "organisation"), "Müller, Söhne & Co");
    CHECK_STR(attr_of(db, hans, "note"), "Ruft gern an\nmorgens; nie abends\\");
    CHECK_STR(birthday_of(db, hans), "1980-2-29");
    CHECK_STR(tags_of(db, hans), "Kunde, alt|vip");
    CHECK_STR(name_of(db, rene), "René Dupré");
    CHECK_STR(attr_of(db, rene, "note"), "Café au lait");
    CHECK_STR(birthday_of(db, rene), "0-2-29");
    CHECK_STR(name_of(db, acme), "Acme Corp");
    CHECK_STR(birthday_of(db, acme), "1999-12-31");
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_get(&c, db, acme));
    CHECK_INT(crm_customer_kind(c), CRM_CUSTOMER_ORGANISATION);
    crm_customer_free(c);

    /* Again: nothing new. */
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, import_vcard(&r, db, vcards, NULL));
    CHECK_INT(crm_import_result_unchanged(r), 3);
    crm_import_result_free(r);
    CHECK_INT(test_last_seq(db), seq);
    crm_close(db);
}

TEST(vcard_errors)
{
    crm_db *db = test_open_memory();
    CHECK_FAILS2(db,
                 import_vcard(NULL, db,
                              "BEGIN:VCARD\nVERSION:3.0\nFN;CHARSET=KOI8-R:x\nEND:VCARD\n", NULL),
                 CRM_EINVAL, "vCard line 3, column", "KOI8-R");
    CHECK_FAILS2(db, import_vcard(NULL, db, "BEGIN:VCARD\nVERSION:3.0\nFN:A\n", NULL),
                 CRM_EINVAL, "line 1", "no END:VCARD");
    CHECK_FAILS2(db, import_vcard(NULL, db, "FN:A\n", NULL), CRM_EINVAL, "line 1",
                 "outside");
    CHECK_FAILS2(db, import_vcard(NULL, db, "BEGIN:VCARD\nVERSION:5.0\nEND:VCARD\n", NULL),
                 CRM_EINVAL, "line 2", "VERSION 5.0");
    CHECK_FAILS2(db,
                 import_vcard(NULL, db,
                              "BEGIN:VCARD\nFN:A\nBDAY:1999-02-29\nEND:VCARD\n", NULL),
                 CRM_EINVAL, "line 3", "BDAY");
    CHECK_FAILS2(db,
                 import_vcard(NULL, db, "BEGIN:VCARD\nFN:\xC3\x28\nEND:VCARD\n", NULL),
                 CRM_EINVAL, "line 2", "UTF-8");
    CHECK_FAILS2(db,
                 import_vcard(NULL, db,
                              "BEGIN:VCARD\nFN:A\nTEL:\n call me\nEND:VCARD\n", NULL),
                 CRM_EINVAL, "line 3", "phone");
    CHECK_FAILS2(db, import_vcard(NULL, db, "BEGIN:VCARD\nno colon\nEND:VCARD\n", NULL),
                 CRM_EINVAL, "line 2", "':'");
    CHECK_FAILS(db, import_vcard(NULL, db, "BEGIN:VCARD\nEMAIL:x@example.com\nEND:VCARD\n",
                                 NULL),
                CRM_EINVAL, "no name");
    CHECK_FAILS2(db,
                 import_vcard(NULL, db,
                              "BEGIN:VCARD\nNOTE;ENCODING=QUOTED-PRINTABLE:=ZZ\nEND:VCARD\n",
                              NULL),
                 CRM_EINVAL, "line 2", "QUOTED-PRINTABLE");

    crm_import_options o = CRM_IMPORT_OPTIONS_INIT;
    o.on_error = CRM_IMPORT_SKIP;
    crm_import_result *r = NULL;
    CHECK_OK(db, import_vcard(&r, db,
                              "BEGIN:VCARD\nFN:Bad\nTEL:nope\nEND:VCARD\n"
                              "BEGIN:VCARD\nFN:Good\nTEL:+1 415 555 0100\nEND:VCARD\n"
                              "BEGIN:VCARD\nFN:Open\n",
                              &o));
    CHECK_INT(crm_import_result_created(r), 1);
    CHECK_INT(crm_import_result_skipped(r), 2);
    CHECK_INT(crm_import_error_line(crm_import_result_error(r, 0)), 3);
    CHECK_INT(crm_import_error_line(crm_import_result_error(r, 1)), 9);
    crm_import_result_free(r);
    CHECK_STR(name_of(db, holder(db, "phone", "+14155550100")), "Good");
    crm_close(db);
}

TEST(vcard_round_trip)
{
    crm_db *db = test_open_memory();
    fill(db);
    char *one = NULL;
    CHECK_OK(db, crm_vcard_export_mem(&one, db));
    CHECK_CONTAINS(one, "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:individual\r\nUID:urn:uuid:");
    CHECK_CONTAINS(one, "FN:Ada \"Countess\" Lovelace\r\n");
    CHECK_CONTAINS(one, "NOTE:line one\\nline two\\, with \"quotes\"\\; and semis\r\n");
    CHECK_CONTAINS(one, "BDAY:18151210\r\n");
    CHECK_CONTAINS(one, "BDAY:--0229\r\n");
    CHECK_CONTAINS(one, "CATEGORIES:math\\, logic,vip\r\n");
    CHECK_CONTAINS(one, "X-CRM-ATTR;X-KEY=\"vat:id\":GB 123\r\n");
    CHECK_CONTAINS(one, "X-CRM-IDENTITY;X-KIND=account:G-1\r\n");
    CHECK_CONTAINS(one, "KIND:org\r\n");
    int64_t seq = test_last_seq(db);
    crm_import_result *r = NULL;
    CHECK_OK(db, import_vcard(&r, db, one, NULL));
    CHECK_INT(crm_import_result_unchanged(r), 3);
    crm_import_result_free(r);
    CHECK_INT(test_last_seq(db), seq);

    crm_db *db2 = test_open_memory();
    CHECK_OK(db2, import_vcard(&r, db2, one, NULL));
    CHECK_INT(crm_import_result_created(r), 3);
    crm_import_result_free(r);
    char *two = NULL;
    CHECK_OK(db2, crm_vcard_export_mem(&two, db2));
    /* The same cards but for the UIDs. */
    CHECK_INT(strlen(two), strlen(one));
    for (char *p = one, *q = two; (p = strstr(p, "urn:uuid:")) && (q = strstr(q, "urn:uuid:"));
         p += 9, q += 9)
        memcpy(q, p, 9 + CRM_ID_LEN);
    CHECK_STR(two, one);

    /* A long value is folded at 75 octets, and read back whole. */
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Long", id);
    char note[400];
    for (int i = 0; i < 399; i++)
        note[i] = (char)('a' + i % 26);
    note[399] = '\0';
    memcpy(note + 70, "\xC3\xA9\xC3\xA9\xC3\xA9", 6);
    CHECK_OK(db, crm_attr_set(db, id, "note", note));
    crm_free(one);
    CHECK_OK(db, crm_vcard_export_mem(&one, db));
    for (const char *l = one; *l;) {
        const char *e = strstr(l, "\r\n");
        CHECK(e && e - l <= 75);
        l = e + 2;
    }
    crm_close(db2);
    CHECK_OK(NULL, crm_open(&db2, ":memory:", NULL));
    CHECK_OK(db2, import_vcard(NULL, db2, one, NULL));
    crm_customer *c = NULL;
    CHECK_OK(db2, crm_identity_lookup(&c, db2, "email", "ada@example.org"));
    crm_customer_free(c);
    crm_customer_cursor *cur = NULL;
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.name_prefix = "Long";
    CHECK_OK(db2, crm_customer_list_open(&cur, db2, &f));
    const crm_customer *row;
    CHECK_INT(crm_customer_cursor_next(cur, &row), CRM_ROW);
    CHECK_STR(attr_of(db2, crm_customer_id(row), "note"), note);
    crm_customer_cursor_free(cur);
    crm_free(one);
    crm_free(two);
    crm_close(db);
    crm_close(db2);
}

/* ---- JSON Lines ---------------------------------------------------------------------- */

static void fill_all(crm_db *db, char org[CRM_ID_LEN + 1], char a[CRM_ID_LEN + 1])
{
    fill(db);
    crm_customer *c = NULL;
    CHECK_OK(db, crm_identity_lookup(&c, db, "email", "ada@example.org"));
    memcpy(a, crm_customer_id(c), CRM_ID_LEN + 1);
    crm_customer_free(c);
    CHECK_OK(db, crm_identity_lookup(&c, db, "email", "info@engines.example"));
    memcpy(org, crm_customer_id(c), CRM_ID_LEN + 1);
    crm_customer_free(c);
    CHECK_OK(db, crm_member_add(db, org, a, "founder"));
    CHECK_OK(db, crm_customer_archive(db, org));
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = a;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_IN;
    s.summary = "Asks about the engine";
    s.body = "Dear Sir,\n\tthe engine \"weaves\" algebraic patterns.\n\xF0\x9F\x98\x80";
    s.reason = "sales.question";
    s.external_ref = "msg-1";
    s.sentiment = 1;
    crm_interaction *i = NULL;
    CHECK_OK(db, crm_interaction_log(&i, db, &s));
    crm_interaction_spec s2 = CRM_INTERACTION_SPEC_INIT;
    s2.customer_id = a;
    s2.channel_name = "pigeon";
    s2.direction = CRM_DIRECTION_OUT;
    s2.reply_to = crm_interaction_id(i);
    s2.handled_by = "agent:babbage";
    CHECK_OK(db, crm_interaction_log(NULL, db, &s2));
    crm_promise *p = NULL;
    CHECK_OK(db, crm_promise_make(&p, db, a, crm_interaction_id(i), "agent:babbage",
                                  "Send the plans", 4102444800000LL,
                                  CRM_TIME_NONE));
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, crm_promise_id(p), 4102531200000LL, "late",
                                         1, CRM_TIME_NONE));
    CHECK_OK(db, crm_promise_keep(NULL, db, crm_promise_id(p), crm_interaction_id(i), "done",
                                  CRM_TIME_NONE));
    crm_promise_free(p);
    crm_interaction_free(i);
}

/* A consent event, as the consent table holds it (schema 9), written as a JSON line. */
static char *with_consent(const char *dump, const char *cid)
{
    char line[512];
    snprintf(line, sizeof line,
             "{\"type\":\"consent\",\"id\":\"0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7c\","
             "\"customer_id\":\"%s\",\"purpose\":\"marketing\",\"channel\":3,\"granted\":1,"
             "\"at\":1700000000000,\"actor\":\"agent:x\",\"interaction_id\":null,"
             "\"note\":\"said yes\"}\n",
             cid);
    char *out = malloc(strlen(dump) + strlen(line) + 1);
    strcpy(out, dump);
    strcat(out, line);
    return out;
}

TEST(jsonl_round_trip)
{
    crm_db *db = test_open_memory();
    char org[CRM_ID_LEN + 1], a[CRM_ID_LEN + 1];
    fill_all(db, org, a);
    char *d0 = NULL;
    CHECK_OK(db, crm_jsonl_export_mem(&d0, db));
    CHECK(strncmp(d0, "{\"format\":\"libcrm\",\"version\":1}\n", 32) == 0);
    static const char *const kinds[] = { "channel", "customer", "membership", "identity",
                                         "attribute", "tag", "interaction", "promise",
                                         "promise_event", "occasion" };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char frag[64];
        snprintf(frag, sizeof frag, "{\"type\":\"%s\",", kinds[k]);
        CHECK_CONTAINS(d0, frag);
    }
    char *d1 = with_consent(d0, a);

    crm_db *db2 = test_open_memory();
    crm_import_result *r = NULL;
    CHECK_OK(db2, import_jsonl(&r, db2, d1, NULL));
    CHECK_INT(crm_import_result_created(r), 3);
    int64_t lines = 0;
    for (const char *p = d1; *p; p++)
        lines += *p == '\n';
    CHECK_INT(crm_import_result_records(r), lines - 1);
    crm_import_result_free(r);
    char *d2 = NULL;
    CHECK_OK(db2, crm_jsonl_export_mem(&d2, db2));
    CHECK_STR(d2, d1);

    /* Twice: nothing added, not even to the journal. */
    int64_t seq = test_last_seq(db2);
    CHECK_OK(db2, import_jsonl(&r, db2, d1, NULL));
    CHECK_INT(crm_import_result_records(r), 0);
    CHECK_INT(crm_import_result_created(r), 0);
    CHECK_INT(crm_import_result_unchanged(r), lines - 1);
    crm_import_result_free(r);
    CHECK_INT(test_last_seq(db2), seq);

    /* What was imported reads as any other record: search, lookup, history. */
    CHECK_STR(holder(db2, "email", "ada@example.org"), a);
    CHECK_STR(attr_of(db2, a, "organisation"), "Engines");
    crm_customer *c = NULL;
    CHECK_OK(db2, crm_customer_get(&c, db2, org));
    CHECK_INT(crm_customer_is_archived(c), 1);
    crm_customer_free(c);

    /* Through files. */
    char path[512];
    test_temp_path(path, sizeof path, ".jsonl");
    CHECK_OK(db2, crm_jsonl_export(db2, path));
    crm_db *db3 = test_open_memory();
    CHECK_OK(db3, crm_jsonl_import(NULL, db3, path, NULL));
    char *d3 = NULL;
    CHECK_OK(db3, crm_jsonl_export_mem(&d3, db3));
    CHECK_STR(d3, d1);
    unlink(path);

    /* Into a database holding other customers: refused, nothing changed. */
    crm_db *other = test_open_memory();
    char x[CRM_ID_LEN + 1];
    test_customer(other, CRM_CUSTOMER_PERSON, "Someone", x);
    CHECK_FAILS2(other, import_jsonl(NULL, other, d1, NULL), CRM_ESTATE, "JSON Lines line 2",
                 "empty database");
    CHECK_INT(customers(other), 1);

    /* A record that differs from the one there. */
    char *changed = strdup(d1);
    char *n = strstr(changed, "\"name\":\"Ada");
    CHECK(n != NULL);
    if (n)
        n[8] = 'E';
    CHECK_FAILS2(db2, import_jsonl(NULL, db2, changed, NULL), CRM_ESTATE, "line ",
                 "different customer record");
    free(changed);

    crm_free(d0);
    free(d1);
    crm_free(d2);
    crm_free(d3);
    crm_close(db);
    crm_close(db2);
    crm_close(db3);
    crm_close(other);
}

/* An erased customer stays erased through a round trip, and imported
 * names are compared for duplicates as any other (their folded key). */
TEST(jsonl_erased_and_duplicates)
{
    crm_db *db = test_open_memory();
    char jose[CRM_ID_LEN + 1], twin[CRM_ID_LEN + 1], gone[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "José Müller", jose);
    test_customer(db, CRM_CUSTOMER_PERSON, "jose muller", twin);
    test_customer(db, CRM_CUSTOMER_PERSON, "Erin Erased", gone);
    CHECK_OK(db, crm_customer_erase(db, gone));
    char *d0 = NULL;
    CHECK_OK(db, crm_jsonl_export_mem(&d0, db));
    CHECK_CONTAINS(d0, "\"erased_at\":");

    crm_db *db2 = test_open_memory();
    CHECK_OK(db2, import_jsonl(NULL, db2, d0, NULL));
    char *d1 = NULL;
    CHECK_OK(db2, crm_jsonl_export_mem(&d1, db2));
    CHECK_STR(d1, d0);
    crm_customer *c = NULL;
    CHECK_FAILS(db2, crm_customer_get(&c, db2, gone), CRM_ENOTFOUND, "erased");
    CHECK(c == NULL);

    crm_duplicate_cursor *cur = NULL;
    crm_duplicate_filter f = CRM_DUPLICATE_FILTER_INIT;
    f.customer_id = twin;
    f.min_score = 40; /* the same name, and nothing else */
    CHECK_OK(db2, crm_duplicate_list_open(&cur, db2, &f));
    const crm_duplicate *d = NULL;
    CHECK_INT(crm_duplicate_cursor_next(cur, &d), CRM_ROW);
    CHECK_STR(crm_duplicate_other_id(d), jose);
    CHECK(crm_duplicate_reasons(d) & CRM_DUPLICATE_NAME);
    CHECK_INT(crm_duplicate_cursor_next(cur, &d), CRM_DONE);
    crm_duplicate_cursor_free(cur);

    crm_free(d0);
    crm_free(d1);
    crm_close(db);
    crm_close(db2);
}

/* Merges travel: an absorbed id names its survivor after the import, a
 * chain of two merges too, and the round trip keeps them; the import
 * cannot carry what undoing a merge needs, and unmerge says so. Merged
 * records that lead nowhere are refused, nothing kept. */
TEST(jsonl_merged)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], c[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann Able", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann Able-Baker", b);
    test_customer(db, CRM_CUSTOMER_PERSON, "A. Baker", c);
    CHECK_OK(db, crm_customer_merge(db, b, a));
    CHECK_OK(db, crm_customer_merge(db, c, b));
    char *d0 = NULL;
    CHECK_OK(db, crm_jsonl_export_mem(&d0, db));
    CHECK_CONTAINS(d0, "{\"type\":\"merged\",\"absorbed_id\":\"");

    crm_db *db2 = test_open_memory();
    crm_import_result *r = NULL;
    CHECK_OK(db2, import_jsonl(&r, db2, d0, NULL));
    CHECK_INT(crm_import_result_created(r), 1);
    crm_import_result_free(r);
    char *d1 = NULL;
    CHECK_OK(db2, crm_jsonl_export_mem(&d1, db2));
    CHECK_STR(d1, d0);
    /* Both absorbed ids answer with the survivor, and say so. */
    for (int i = 0; i < 2; i++) {
        crm_customer *got = NULL;
        CHECK_OK(db2, crm_customer_get(&got, db2, i ? b : a));
        CHECK_STR(crm_customer_id(got), c);
        CHECK_STR(crm_customer_merged_from(got), i ? b : a);
        crm_customer_free(got);
    }
    CHECK_FAILS2(db2, crm_customer_unmerge(db2, b), CRM_ESTATE, "came with an import",
                 "cannot be undone");
    /* Again: nothing added. */
    CHECK_OK(db2, import_jsonl(&r, db2, d0, NULL));
    CHECK_INT(crm_import_result_records(r), 0);
    crm_import_result_free(r);

    /* Broken: a survivor no record names, a merged id that is a customer,
     * two ids merged into each other. */
    const char *h = "{\"format\":\"libcrm\",\"version\":1}\n";
    char cust[300], buf[1200];
    snprintf(cust, sizeof cust,
             "{\"type\":\"customer\",\"id\":\"%s\",\"kind\":1,\"name\":\"C\",\"owner\":null,"
             "\"created_at\":1,\"updated_at\":1,\"archived_at\":null,\"erased_at\":null}\n",
             c);
    crm_db *db3 = test_open_memory();
    snprintf(buf, sizeof buf,
             "%s%s{\"type\":\"merged\",\"absorbed_id\":\"%s\",\"survivor_id\":\"%s\","
             "\"merged_at\":5}\n",
             h, cust, a, TEST_UNKNOWN_ID);
    CHECK_FAILS2(db3, import_jsonl(NULL, db3, buf, NULL), CRM_EINVAL, a, "lead to no customer");
    CHECK_INT(customers(db3), 0);
    snprintf(buf, sizeof buf,
             "%s%s{\"type\":\"merged\",\"absorbed_id\":\"%s\",\"survivor_id\":\"%s\","
             "\"merged_at\":5}\n",
             h, cust, c, a);
    CHECK_FAILS2(db3, import_jsonl(NULL, db3, buf, NULL), CRM_EINVAL, "line 3", "merged");
    CHECK_INT(customers(db3), 0);
    snprintf(buf, sizeof buf,
             "%s%s{\"type\":\"merged\",\"absorbed_id\":\"%s\",\"survivor_id\":\"%s\","
             "\"merged_at\":5}\n{\"type\":\"merged\",\"absorbed_id\":\"%s\","
             "\"survivor_id\":\"%s\",\"merged_at\":5}\n",
             h, cust, a, b, b, a);
    CHECK_FAILS2(db3, import_jsonl(NULL, db3, buf, NULL), CRM_EINVAL, "lead to no customer",
                 "back to itself");
    CHECK_INT(customers(db3), 0);
    crm_customer *none = NULL;
    CHECK_FAILS(db3, crm_customer_get(&none, db3, a), CRM_ENOTFOUND, "no customer has id");

    crm_free(d0);
    crm_free(d1);
    crm_close(db);
    crm_close(db2);
    crm_close(db3);
}

/* The line of text holding needle: its start in *from and the start of
 * the next line in *to. */
static void line_of(const char *text, const char *needle, size_t *from, size_t *to)
{
    const char *at = strstr(text, needle);
    CHECK(at != NULL);
    if (!at)
        return;
    const char *start = at;
    while (start > text && start[-1] != '\n')
        start--;
    const char *end = strchr(at, '\n');
    *from = (size_t)(start - text);
    *to = end ? (size_t)(end - text) + 1 : strlen(text);
}

/* A reply may come before the interaction it answers (two handles making
 * ids in one millisecond order them either way): the import takes it, and
 * the copy exports the same bytes. A reply to an interaction the file does
 * not give is refused, naming its line, and nothing is kept. */
TEST(jsonl_reply_before_what_it_answers)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1], first[CRM_ID_LEN + 1], reply[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ada", id);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = id;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_IN;
    crm_interaction *it = NULL;
    CHECK_OK(db, crm_interaction_log(&it, db, &s));
    snprintf(first, sizeof first, "%s", crm_interaction_id(it));
    crm_interaction_free(it);
    s.direction = CRM_DIRECTION_OUT;
    s.reply_to = first;
    CHECK_OK(db, crm_interaction_log(&it, db, &s));
    snprintf(reply, sizeof reply, "%s", crm_interaction_id(it));
    crm_interaction_free(it);
    char *text = NULL;
    CHECK_OK(db, crm_jsonl_export_mem(&text, db));

    /* The reply's line moved before the line of what it answers. */
    char key[64];
    size_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    snprintf(key, sizeof key, "\"id\":\"%s\"", first);
    line_of(text, key, &a0, &a1);
    snprintf(key, sizeof key, "\"id\":\"%s\"", reply);
    line_of(text, key, &b0, &b1);
    CHECK(a1 == b0);
    size_t n = strlen(text);
    char *swapped = malloc(n + 1);
    CHECK(swapped != NULL);
    memcpy(swapped, text, a0);
    memcpy(swapped + a0, text + b0, b1 - b0);
    memcpy(swapped + a0 + (b1 - b0), text + a0, a1 - a0);
    memcpy(swapped + b1, text + b1, n - b1 + 1);
    crm_db *copy = test_open_memory();
    CHECK_OK(copy, import_jsonl(NULL, copy, swapped, NULL));
    CHECK_OK(copy, crm_interaction_get(&it, copy, reply));
    CHECK_STR(crm_interaction_reply_to(it), first);
    CHECK_STR(crm_interaction_thread_id(it), first);
    crm_interaction_free(it);
    char *again = NULL;
    CHECK_OK(copy, crm_jsonl_export_mem(&again, copy));
    CHECK_STR(again, text);

    /* Without the line of what it answers: refused at the reply's line. */
    memcpy(swapped, text, a0);
    memcpy(swapped + a0, text + a1, n - a1 + 1);
    crm_db *none = test_open_memory();
    char line[32];
    int l = 1;
    for (size_t i = 0; i < a0; i++)
        l += text[i] == '\n';
    snprintf(line, sizeof line, "line %d,", l);
    CHECK_FAILS2(none, import_jsonl(NULL, none, swapped, NULL), CRM_EINVAL, line, "reply_to");
    CHECK_INT(customers(none), 0);

    free(swapped);
    crm_free(again);
    crm_free(text);
    crm_close(none);
    crm_close(copy);
    crm_close(db);
}

TEST(jsonl_errors)
{
    crm_db *db = test_open_memory();
    const char *h = "{\"format\":\"libcrm\",\"version\":1}\n";
    char buf[1024];
    CHECK_FAILS(db, import_jsonl(NULL, db, "", NULL), CRM_EINVAL, "no header");
    CHECK_FAILS2(db, import_jsonl(NULL, db, "{\"format\":\"other\"}\n", NULL), CRM_EINVAL,
                 "line 1", "header");
    CHECK_FAILS2(db, import_jsonl(NULL, db, "{\"format\":\"libcrm\",\"version\":2}\n", NULL),
                 CRM_EINVAL, "line 1", "version 2");
    snprintf(buf, sizeof buf, "%s\n{not json\n", h);
    CHECK_FAILS2(db, import_jsonl(NULL, db, buf, NULL), CRM_EINVAL, "line 3", "not JSON");
    snprintf(buf, sizeof buf, "%s{\"type\":\"spaceship\"}\n", h);
    CHECK_FAILS2(db, import_jsonl(NULL, db, buf, NULL), CRM_EINVAL, "line 2", "spaceship");
    snprintf(buf, sizeof buf, "%s{\"type\":\"customer\",\"id\":\"%s\"}\n", h, TEST_UNKNOWN_ID);
    CHECK_FAILS2(db, import_jsonl(NULL, db, buf, NULL), CRM_EINVAL, "line 2",
                 "customer record");
    snprintf(buf, sizeof buf,
             "%s{\"type\":\"tag\",\"customer_id\":\"%s\",\"tag\":\"x\"}\n", h, TEST_UNKNOWN_ID);
    CHECK_FAILS2(db, import_jsonl(NULL, db, buf, NULL), CRM_EINVAL, "line 2",
                 "not given before");
    snprintf(buf, sizeof buf,
             "%s{\"type\":\"customer\",\"id\":\"NOT-AN-ID\",\"kind\":1,\"name\":\"A\","
             "\"created_at\":1,\"updated_at\":1}\n",
             h);
    CHECK_FAILS2(db, import_jsonl(NULL, db, buf, NULL), CRM_EINVAL, "line 2", "customer");
    snprintf(buf, sizeof buf, "%s{\"type\":\"tag\",\"tag\":\"\xC3\x28\"}\n", h);
    CHECK_FAILS2(db, import_jsonl(NULL, db, buf, NULL), CRM_EINVAL, "line 2", "UTF-8");
    /* Nothing a reader could not read back: a NUL inside a text, a time
     * outside the years libcrm stores. */
    snprintf(buf, sizeof buf,
             "%s{\"type\":\"customer\",\"id\":\"%s\",\"kind\":1,\"name\":\"A\\u0000B\","
             "\"created_at\":1,\"updated_at\":1}\n",
             h, TEST_UNKNOWN_ID);
    CHECK_FAILS2(db, import_jsonl(NULL, db, buf, NULL), CRM_EINVAL, "line 2", "NUL");
    snprintf(buf, sizeof buf,
             "%s{\"type\":\"customer\",\"id\":\"%s\",\"kind\":1,\"name\":\"A\","
             "\"created_at\":1,\"updated_at\":999999999999999999}\n",
             h, TEST_UNKNOWN_ID);
    CHECK_FAILS2(db, import_jsonl(NULL, db, buf, NULL), CRM_EINVAL, "line 2", "updated_at");
    CHECK_INT(customers(db), 0);
    /* A good customer then a bad line: the customer goes too. */
    snprintf(buf, sizeof buf,
             "%s{\"type\":\"customer\",\"id\":\"%s\",\"kind\":1,\"name\":\"A\","
             "\"owner\":null,\"created_at\":1,\"updated_at\":1,\"archived_at\":null}\n[1]\n",
             h, TEST_UNKNOWN_ID);
    CHECK_FAILS2(db, import_jsonl(NULL, db, buf, NULL), CRM_EINVAL, "line 3", "JSON object");
    CHECK_INT(customers(db), 0);
    buf[strlen(buf) - 4] = '\0';
    crm_import_result *r = NULL;
    CHECK_OK(db, import_jsonl(&r, db, buf, NULL));
    CHECK_INT(crm_import_result_created(r), 1);
    crm_import_result_free(r);
    CHECK_STR(name_of(db, TEST_UNKNOWN_ID), "A");
    crm_close(db);
}

int main(void)
{
    RUN(csv_import_basic);
    RUN(csv_reimport_adds_nothing);
    RUN(csv_journal_and_ids);
    RUN(csv_row_naming_two_customers);
    RUN(csv_errors_with_lines);
    RUN(csv_malformed);
    RUN(csv_mapping);
    RUN(csv_round_trip);
    RUN(import_bad_arguments);
    RUN(vcard_import);
    RUN(vcard_errors);
    RUN(vcard_round_trip);
    RUN(jsonl_round_trip);
    RUN(jsonl_erased_and_duplicates);
    RUN(jsonl_merged);
    RUN(jsonl_reply_before_what_it_answers);
    RUN(jsonl_errors);
    return test_summary();
}
