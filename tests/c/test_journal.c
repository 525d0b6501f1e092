/*
 * libcrm tests - the journal: a row for every change, in order, with who
 * made it and a JSON object of what changed; reading it from a sequence
 * number; transactions; sequence numbers that are never reused.
 */
#include <sqlite3.h>

#include "test.h"

/* ---- a small JSON reader, to check the data column really is JSON -------- */

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A JSON string at p (at its opening quote), decoded into out. Returns the
 * position after the closing quote, or NULL if it is not a JSON string. */
static const char *json_string(const char *p, char *out, size_t size)
{
    size_t o = 0;
    if (*p++ != '"')
        return NULL;
    for (;;) {
        unsigned char c = (unsigned char)*p++;
        char buf[8];
        size_t n = 1;
        if (c == '"')
            break;
        if (c < 0x20) /* raw control characters are not allowed */
            return NULL;
        if (c != '\\') {
            buf[0] = (char)c;
        } else {
            c = (unsigned char)*p++;
            switch (c) {
            case '"': buf[0] = '"'; break;
            case '\\': buf[0] = '\\'; break;
            case '/': buf[0] = '/'; break;
            case 'b': buf[0] = '\b'; break;
            case 'f': buf[0] = '\f'; break;
            case 'n': buf[0] = '\n'; break;
            case 'r': buf[0] = '\r'; break;
            case 't': buf[0] = '\t'; break;
            case 'u': {
                unsigned cp, lo;
                if (!hex4(p, &cp))
                    return NULL;
                p += 4;
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    if (p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, &lo) || lo < 0xdc00 ||
                        lo > 0xdfff)
                        return NULL;
                    p += 6;
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                    return NULL;
                }
                n = put_utf8(buf, cp);
                break;
            }
            default:
                return NULL;
            }
        }
        if (o + n >= size)
            return NULL;
        memcpy(out + o, buf, n);
        o += n;
    }
    out[o] = '\0';
    return p;
}

/* A number, null, true or false at p, copied as text. */
static const char *json_scalar(const char *p, char *out, size_t size)
{
    size_t n = 0;
    if (*p == '-')
        n++;
    while (p[n] >= '0' && p[n] <= '9')
        n++;
    if (n == 0 || (n == 1 && *p == '-')) {
        static const char *const words[] = { "null", "true", "false" };
        for (int i = 0; i < 3; i++)
            if (strncmp(p, words[i], strlen(words[i])) == 0)
                n = strlen(words[i]);
        if (n == 0 || (n == 1 && *p == '-'))
            return NULL;
    }
    if (n >= size)
        return NULL;
    memcpy(out, p, n);
    out[n] = '\0';
    return p + n;
}

/* The value of key in the flat JSON object json: 1 and the decoded value in
 * out (strings unescaped, other values as written), 0 if the object has no
 * such key, -1 if json is not a JSON object of scalars. */
static int json_field(const char *json, const char *key, char *out, size_t size)
{
    char k[256], v[4096];
    int found = 0;
    const char *p = json_ws(json);
    if (*p++ != '{')
        return -1;
    p = json_ws(p);
    if (*p == '}') {
        p++;
    } else {
        for (;;) {
            p = json_string(p, k, sizeof k);
            if (!p)
                return -1;
            p = json_ws(p);
            if (*p++ != ':')
                return -1;
            p = json_ws(p);
            p = *p == '"' ? json_string(p, v, sizeof v) : json_scalar(p, v, sizeof v);
            if (!p)
                return -1;
            if (strcmp(k, key) == 0 && !found) {
                if (strlen(v) >= size)
                    return -1;
                strcpy(out, v);
                found = 1;
            }
            p = json_ws(p);
            if (*p == ',') {
                p = json_ws(p + 1);
                continue;
            }
            if (*p++ != '}')
                return -1;
            break;
        }
    }
    return *json_ws(p) == '\0' ? found : -1;
}

/* data has key with exactly the value. */
#define CHECK_FIELD(data, key, value)                                                       \
    do {                                                                                    \
        char v_[4096];                                                                      \
        int f_ = json_field((data), (key), v_, sizeof v_);                                  \
        if (f_ != 1)                                                                        \
            fprintf(stderr, "%s:%d: %s in %s: %s\n", __FILE__, __LINE__, (key), (data),     \
                    f_ < 0 ? "not a JSON object" : "missing");                              \
        CHECK_INT(f_, 1);                                                                   \
        CHECK_STR(v_, (value));                                                             \
    } while (0)

/* data has no such key (and is a JSON object). */
#define CHECK_NO_FIELD(data, key)                     \
    do {                                              \
        char v_[4096];                                \
        CHECK_INT(json_field((data), (key), v_, sizeof v_), 0); \
    } while (0)

TEST(json_reader)
{
    /* The reader itself, so its verdicts can be trusted. */
    char v[64];
    CHECK_INT(json_field("{}", "a", v, sizeof v), 0);
    CHECK_INT(json_field("{\"a\":\"x\\\"y\\\\z\\u00e9\\ud83d\\ude00\\n\"}", "a", v, sizeof v), 1);
    CHECK_STR(v, "x\"y\\z\xc3\xa9\xf0\x9f\x98\x80\n");
    CHECK_INT(json_field("{\"a\":1,\"b\":-20,\"c\":null}", "b", v, sizeof v), 1);
    CHECK_STR(v, "-20");
    CHECK_INT(json_field("{\"a\":1,\"b\":-20,\"c\":null}", "c", v, sizeof v), 1);
    CHECK_STR(v, "null");
    CHECK_INT(json_field("{\"a\":\"x\"y\"}", "a", v, sizeof v), -1);
    CHECK_INT(json_field("{\"a\":\"x\ny\"}", "a", v, sizeof v), -1);
    CHECK_INT(json_field("{\"a\":\"x\\qy\"}", "a", v, sizeof v), -1);
    CHECK_INT(json_field("{\"a\":\"x\"", "a", v, sizeof v), -1);
    CHECK_INT(json_field("{\"a\":\"x\"} x", "a", v, sizeof v), -1);
    CHECK_INT(json_field("[\"a\"]", "a", v, sizeof v), -1);
    CHECK_INT(json_field("{\"a\":\"\\ud83d\"}", "a", v, sizeof v), -1);
}

/* ---- reading the journal into an array ---------------------------------------------- */

typedef struct entry {
    int64_t seq, at;
    char actor[160], entity[32], entity_id[CRM_ID_LEN + 1], op[32], data[8192];
} entry;

#define MAX_ENTRIES 64

/* The rows after since into e[], their number in *n. */
static int read_journal(crm_db *db, int64_t since, entry *e, int *n)
{
    crm_journal_entry_cursor *cur = NULL;
    const crm_journal_entry *je;
    int rc = crm_journal_entry_list_open(&cur, db, since);
    if (rc)
        return rc;
    *n = 0;
    while ((rc = crm_journal_entry_cursor_next(cur, &je)) == CRM_ROW) {
        if (*n == MAX_ENTRIES) {
            rc = CRM_ERROR;
            break;
        }
        entry *x = &e[(*n)++];
        x->seq = crm_journal_entry_seq(je);
        x->at = crm_journal_entry_at(je);
        snprintf(x->actor, sizeof x->actor, "%s", crm_journal_entry_actor(je));
        snprintf(x->entity, sizeof x->entity, "%s", crm_journal_entry_entity(je));
        snprintf(x->entity_id, sizeof x->entity_id, "%s", crm_journal_entry_entity_id(je));
        snprintf(x->op, sizeof x->op, "%s", crm_journal_entry_op(je));
        snprintf(x->data, sizeof x->data, "%s", crm_journal_entry_data(je));
    }
    crm_journal_entry_cursor_free(cur);
    return rc == CRM_DONE ? CRM_OK : rc;
}

static entry entries[MAX_ENTRIES];

/* ---- what the journal records -------------------------------------------------------- */

TEST(empty_journal)
{
    crm_db *db = test_open_memory();
    CHECK_INT(test_last_seq(db), 0);
    int n = -1;
    CHECK_OK(db, read_journal(db, 0, entries, &n));
    CHECK_INT(n, 0);
    CHECK_OK(db, read_journal(db, 7, entries, &n));
    CHECK_INT(n, 0);
    crm_close(db);
}

TEST(every_write)
{
    crm_db *db = test_open_memory();
    int64_t t0 = crm_now();
    char jane[CRM_ID_LEN + 1], acme[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    CHECK_OK(db, crm_customer_rename(db, jane, "Jane Q. Doe"));
    CHECK_OK(db, crm_customer_archive(db, jane));
    CHECK_OK(db, crm_customer_unarchive(db, jane));
    CHECK_OK(db, crm_attr_set(db, jane, "tier", "gold"));
    CHECK_OK(db, crm_attr_set(db, jane, "tier", "platinum"));
    CHECK_OK(db, crm_attr_unset(db, jane, "tier"));
    CHECK_OK(db, crm_tag_add(db, jane, "vip"));
    CHECK_OK(db, crm_tag_remove(db, jane, "vip"));
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", acme);
    CHECK_OK(db, crm_member_add(db, acme, jane, "billing contact"));
    CHECK_OK(db, crm_member_remove(db, acme, jane));
    CHECK_OK(db, crm_identity_add(NULL, db, jane, "email", "Jane@Example.com", 0));
    CHECK_OK(db,
             crm_identity_set_flags(db, jane, "email", "jane@example.com", CRM_IDENTITY_PRIMARY));
    CHECK_OK(db, crm_identity_remove(db, jane, "email", "JANE@example.com"));
    int64_t t1 = crm_now();

    static const struct {
        const char *entity, *op;
        int org;
    } want[] = {
        { "customer", "create", 0 }, { "customer", "rename", 0 }, { "customer", "archive", 0 },
        { "customer", "unarchive", 0 }, { "attr", "set", 0 },     { "attr", "set", 0 },
        { "attr", "unset", 0 },        { "tag", "add", 0 },       { "tag", "remove", 0 },
        { "customer", "create", 1 },   { "member", "add", 1 },    { "member", "remove", 1 },
        { "identity", "add", 0 },      { "identity", "flags", 0 }, { "identity", "remove", 0 },
    };
    int n = 0;
    CHECK_OK(db, read_journal(db, 0, entries, &n));
    CHECK_INT(n, (int)(sizeof want / sizeof want[0]));
    for (int i = 0; i < n; i++) {
        entry *e = &entries[i];
        if (i > 0)
            CHECK(e->seq > entries[i - 1].seq);
        CHECK(e->seq >= 1);
        CHECK(e->at >= t0 && e->at <= t1);
        CHECK_STR(e->actor, "system");
        CHECK_STR(e->entity, want[i].entity);
        CHECK_STR(e->op, want[i].op);
        CHECK_STR(e->entity_id, want[i].org ? acme : jane);
        char v[8];
        CHECK(json_field(e->data, "", v, sizeof v) >= 0); /* a JSON object */
    }
    CHECK_INT(test_last_seq(db), entries[n - 1].seq);

    CHECK_FIELD(entries[0].data, "kind", "person");
    CHECK_FIELD(entries[0].data, "name", "Jane Doe");
    CHECK_FIELD(entries[1].data, "name", "Jane Q. Doe");
    CHECK_FIELD(entries[1].data, "old_name", "Jane Doe");
    CHECK_STR(entries[2].data, "{}");
    CHECK_STR(entries[3].data, "{}");
    CHECK_FIELD(entries[4].data, "key", "tier");
    CHECK_FIELD(entries[4].data, "value", "gold");
    CHECK_NO_FIELD(entries[4].data, "old_value");
    CHECK_FIELD(entries[5].data, "value", "platinum");
    CHECK_FIELD(entries[5].data, "old_value", "gold");
    CHECK_FIELD(entries[6].data, "key", "tier");
    CHECK_NO_FIELD(entries[6].data, "old_value");
    CHECK_FIELD(entries[7].data, "tag", "vip");
    CHECK_FIELD(entries[8].data, "tag", "vip");
    CHECK_FIELD(entries[9].data, "kind", "organisation");
    CHECK_FIELD(entries[9].data, "name", "Acme");
    CHECK_FIELD(entries[10].data, "person", jane);
    CHECK_FIELD(entries[10].data, "role", "billing contact");
    CHECK_FIELD(entries[11].data, "person", jane);
    CHECK_NO_FIELD(entries[11].data, "old_role");
    CHECK_FIELD(entries[12].data, "kind", "email");
    CHECK_FIELD(entries[12].data, "value", "Jane@Example.com");
    CHECK_FIELD(entries[12].data, "key", "jane@example.com");
    CHECK_FIELD(entries[12].data, "flags", "0");
    CHECK_FIELD(entries[13].data, "flags", "1");
    CHECK_FIELD(entries[14].data, "kind", "email");
    CHECK_NO_FIELD(entries[14].data, "value");
    CHECK_NO_FIELD(entries[14].data, "key");
    crm_close(db);
}

TEST(reads_write_nothing)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "email", "jane@example.com", 0));
    CHECK_OK(db, crm_attr_set(db, id, "tier", "gold"));
    int64_t before = test_last_seq(db);
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    crm_customer_free(c);
    CHECK_OK(db, crm_identity_lookup(&c, db, "email", "JANE@example.com"));
    crm_customer_free(c);
    char *v = NULL;
    CHECK_OK(db, crm_attr_get(&v, db, id, "tier"));
    crm_free(v);
    int n;
    CHECK_OK(db, read_journal(db, 0, entries, &n));
    CHECK_INT(test_last_seq(db), before);
    CHECK_UNCHANGED(db, &snap);
    crm_close(db);
}

/* ---- who -------------------------------------------------------------------------------- */

TEST(actor)
{
    crm_db *db = test_open_memory();
    CHECK_STR(crm_actor(db), "system");
    CHECK_OK(db, crm_set_actor(db, "agent:alice"));
    CHECK_STR(crm_actor(db), "agent:alice");
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", a);
    CHECK_OK(db, crm_set_actor(db, "ivr:main-menu \xe2\x86\x92 billing"));
    CHECK_OK(db, crm_tag_add(db, a, "vip"));
    CHECK_OK(db, crm_set_actor(db, NULL));
    CHECK_STR(crm_actor(db), "system");
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", b);
    char *max = test_long_string(CRM_ACTOR_MAX);
    int rc = crm_set_actor(db, max);
    free(max);
    CHECK_OK(db, rc);
    CHECK_OK(db, crm_tag_add(db, b, "vip"));
    int n;
    CHECK_OK(db, read_journal(db, 0, entries, &n));
    CHECK_INT(n, 4);
    CHECK_STR(entries[0].actor, "agent:alice");
    CHECK_STR(entries[1].actor, "ivr:main-menu \xe2\x86\x92 billing");
    CHECK_STR(entries[2].actor, "system");
    CHECK_INT(strlen(entries[3].actor), CRM_ACTOR_MAX);
    CHECK_INT(crm_actor(NULL) == NULL, 1);
    crm_close(db);

    /* The actor of crm_open_options. */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.actor = "kiosk:lobby";
    CHECK_INT(crm_open(&db, ":memory:", &o), CRM_OK);
    CHECK_STR(crm_actor(db), "kiosk:lobby");
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", a);
    CHECK_OK(db, read_journal(db, 0, entries, &n));
    CHECK_INT(n, 1);
    CHECK_STR(entries[0].actor, "kiosk:lobby");
    crm_close(db);
}

TEST(bad_actors)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_set_actor(db, "agent:alice"));
    char *too_long = test_long_string(CRM_ACTOR_MAX + 1);
    const char *bad[16];
    int nbad = 0;
    for (int i = 0; test_bad_utf8[i]; i++)
        bad[nbad++] = test_bad_utf8[i];
    bad[nbad++] = too_long;
    bad[nbad++] = "";
    bad[nbad++] = "agent\talice";
    bad[nbad++] = "agent:alice\n";
    bad[nbad++] = "agent\x1b[31m";
    bad[nbad++] = "agent\x7f";
    bad[nbad++] = " agent:alice";
    bad[nbad++] = "agent:alice ";
    for (int i = 0; i < nbad; i++) {
        test_snapshot snap;
        test_snapshot_take(db, &snap);
        CHECK_RC(db, crm_set_actor(db, bad[i]), CRM_EINVAL);
        CHECK_CONTAINS(crm_errmsg(db), "actor");
        CHECK_STR(crm_actor(db), "agent:alice");
        CHECK_UNCHANGED(db, &snap);
    }
    CHECK_RC(NULL, crm_set_actor(NULL, "agent:bob"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_set_actor");

    /* The same rules when opening. */
    for (int i = 0; i < nbad; i++) {
        crm_open_options o = CRM_OPEN_OPTIONS_INIT;
        o.actor = bad[i];
        crm_db *other = (crm_db *)(void *)&o;
        CHECK_RC(NULL, crm_open(&other, ":memory:", &o), CRM_EINVAL);
        CHECK_CONTAINS(crm_errmsg(NULL), "actor");
        CHECK(other == NULL);
    }
    free(too_long);
    /* Changes after the refusals still carry the actor that was set. */
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    int n;
    CHECK_OK(db, read_journal(db, test_last_seq(db) - 1, entries, &n));
    CHECK_INT(n, 1);
    CHECK_STR(entries[0].actor, "agent:alice");
    crm_close(db);
}

/* ---- the data column --------------------------------------------------------------- */

TEST(json_escaping)
{
    crm_db *db = test_open_memory();
    static const char *const names[] = {
        "a\"b", "back\\slash", "Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80",
        "</script><b>", "\"\\\"\\\\", "{\"name\":\"x\"}", "a/b'c",
    };
    const int nnames = (int)(sizeof names / sizeof names[0]);
    char id[CRM_ID_LEN + 1];
    for (int i = 0; i < nnames; i++)
        test_customer(db, CRM_CUSTOMER_PERSON, names[i], id);
    /* Attribute values may hold any UTF-8, control characters included. */
    static const char value[] = "line1\nline2\ttab\r\x01\x1f\x7f \"q\" \\ \xc3\xa9 \xf0\x9f\x98\x80";
    CHECK_OK(db, crm_attr_set(db, id, "note", value));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "account", "AC\"1\\2", 0));

    int n;
    CHECK_OK(db, read_journal(db, 0, entries, &n));
    CHECK_INT(n, nnames + 2);
    CHECK_CONTAINS(entries[0].data, "\"name\":\"a\\\"b\"");
    CHECK_CONTAINS(entries[1].data, "\"name\":\"back\\\\slash\"");
    for (int i = 0; i < nnames; i++)
        CHECK_FIELD(entries[i].data, "name", names[i]);
    const char *d = entries[nnames].data;
    CHECK_FIELD(d, "value", value);
    CHECK_CONTAINS(d, "line1\\nline2\\ttab\\r");
    for (const char *p = d; *p; p++)
        CHECK((unsigned char)*p >= 0x20);
    CHECK_FIELD(entries[nnames + 1].data, "value", "AC\"1\\2");
    CHECK_CONTAINS(entries[nnames + 1].data, "\"value\":\"AC\\\"1\\\\2\"");
    crm_close(db);
}

/* ---- reading from a sequence number ------------------------------------------------------ */

TEST(since)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    for (int i = 0; i < 6; i++) {
        char name[32];
        snprintf(name, sizeof name, "Customer %d", i);
        test_customer(db, CRM_CUSTOMER_PERSON, name, id);
    }
    int n;
    CHECK_OK(db, read_journal(db, 0, entries, &n));
    CHECK_INT(n, 6);
    int64_t seqs[6];
    for (int i = 0; i < 6; i++)
        seqs[i] = entries[i].seq;
    for (int k = 0; k < 6; k++) {
        CHECK_OK(db, read_journal(db, seqs[k], entries, &n));
        CHECK_INT(n, 5 - k);
        for (int i = 0; i < n; i++) {
            CHECK_INT(entries[i].seq, seqs[k + 1 + i]);
            char want[32];
            snprintf(want, sizeof want, "Customer %d", k + 1 + i);
            CHECK_FIELD(entries[i].data, "name", want);
        }
    }
    CHECK_OK(db, read_journal(db, seqs[5] + 1000, entries, &n));
    CHECK_INT(n, 0);
    CHECK_OK(db, read_journal(db, INT64_MAX, entries, &n));
    CHECK_INT(n, 0);
    CHECK_INT(test_last_seq(db), seqs[5]);

    static const int64_t negative[] = { -1, -1000, INT64_MIN };
    for (size_t i = 0; i < sizeof negative / sizeof negative[0]; i++) {
        test_snapshot snap;
        test_snapshot_take(db, &snap);
        crm_journal_entry_cursor *cur = (crm_journal_entry_cursor *)(void *)&snap;
        CHECK_RC(db, crm_journal_entry_list_open(&cur, db, negative[i]), CRM_EINVAL);
        CHECK_CONTAINS(crm_errmsg(db), "since_seq");
        char num[32];
        snprintf(num, sizeof num, "%" PRId64, negative[i]);
        CHECK_CONTAINS(crm_errmsg(db), num);
        CHECK(cur == (crm_journal_entry_cursor *)(void *)&snap);
        CHECK_UNCHANGED(db, &snap);
    }
    crm_close(db);
}

TEST(cursor_does_not_see_later_writes)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "A", id);
    test_customer(db, CRM_CUSTOMER_PERSON, "B", id);
    int64_t upto = test_last_seq(db);

    /* Opened and not yet read; partly read; both while the handle writes. */
    crm_journal_entry_cursor *fresh = NULL, *half = NULL;
    const crm_journal_entry *e;
    CHECK_OK(db, crm_journal_entry_list_open(&fresh, db, 0));
    CHECK_OK(db, crm_journal_entry_list_open(&half, db, 0));
    CHECK_INT(crm_journal_entry_cursor_next(half, &e), CRM_ROW);
    CHECK_INT(crm_journal_entry_seq(e), 1);
    test_customer(db, CRM_CUSTOMER_PERSON, "C", id);
    CHECK_OK(db, crm_tag_add(db, id, "late"));
    int rows = 0, rc;
    int64_t seen = 0;
    while ((rc = crm_journal_entry_cursor_next(fresh, &e)) == CRM_ROW) {
        rows++;
        seen = crm_journal_entry_seq(e);
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(rows, 2);
    CHECK_INT(seen, upto);
    rows = 1;
    while ((rc = crm_journal_entry_cursor_next(half, &e)) == CRM_ROW)
        rows++;
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(rows, 2);
    CHECK_INT(crm_journal_entry_cursor_next(half, &e), CRM_DONE);
    crm_journal_entry_cursor_free(fresh);
    crm_journal_entry_cursor_free(half);
    /* A new cursor sees them. */
    int n;
    CHECK_OK(db, read_journal(db, upto, entries, &n));
    CHECK_INT(n, 2);
    CHECK_STR(entries[1].op, "add");
    crm_close(db);
}

TEST(cursor_and_another_writer)
{
    char path[512];
    crm_db *a = test_open_file(path, sizeof path);
    crm_db *b = NULL;
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.actor = "agent:bob";
    CHECK_INT(crm_open(&b, path, &o), CRM_OK);
    char id[CRM_ID_LEN + 1];
    test_customer(a, CRM_CUSTOMER_PERSON, "A", id);
    crm_journal_entry_cursor *cur = NULL;
    const crm_journal_entry *e;
    CHECK_OK(a, crm_journal_entry_list_open(&cur, a, 0));
    test_customer(b, CRM_CUSTOMER_PERSON, "B", id);
    int rows = 0, rc;
    while ((rc = crm_journal_entry_cursor_next(cur, &e)) == CRM_ROW) {
        rows++;
        CHECK_STR(crm_journal_entry_actor(e), "system");
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(rows, 1);
    crm_journal_entry_cursor_free(cur);
    int n;
    CHECK_OK(a, read_journal(a, 0, entries, &n));
    CHECK_INT(n, 2);
    CHECK_STR(entries[1].actor, "agent:bob");
    CHECK_INT(entries[1].seq, entries[0].seq + 1);
    CHECK_OK(a, crm_close(a));
    CHECK_OK(b, crm_close(b));
    test_remove_db(path);
}

/* ---- bad arguments ----------------------------------------------------------------------- */

TEST(bad_arguments)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    crm_journal_entry_cursor *cur = (crm_journal_entry_cursor *)(void *)&snap;
    int64_t seq = -7;

    CHECK_RC(NULL, crm_journal_entry_list_open(&cur, NULL, 0), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_journal_entry_list_open");
    CHECK_RC(NULL, crm_journal_last_seq(&seq, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_journal_last_seq");
    CHECK_RC(db, crm_journal_entry_list_open(NULL, db, 0), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "output");
    CHECK_RC(db, crm_journal_entry_list_open(NULL, db, -1), CRM_EINVAL);
    CHECK_RC(db, crm_journal_last_seq(NULL, db), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "output");
    CHECK(cur == (crm_journal_entry_cursor *)(void *)&snap);
    CHECK_INT(seq, -7);
    CHECK_UNCHANGED(db, &snap);

    const crm_journal_entry *e = NULL;
    CHECK_RC(NULL, crm_journal_entry_cursor_next(NULL, &e), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_journal_entry_cursor_next");
    CHECK_CONTAINS(crm_errmsg(NULL), "cursor");
    CHECK_OK(db, crm_journal_entry_list_open(&cur, db, 0));
    CHECK_RC(db, crm_journal_entry_cursor_next(cur, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "output");
    CHECK_INT(crm_journal_entry_cursor_next(cur, &e), CRM_ROW);
    CHECK_INT(crm_journal_entry_cursor_next(cur, &e), CRM_DONE);
    CHECK_INT(crm_journal_entry_cursor_next(cur, &e), CRM_DONE);
    crm_journal_entry_cursor_free(cur);
    crm_journal_entry_cursor_free(NULL);

    CHECK_INT(crm_journal_entry_seq(NULL), 0);
    CHECK_INT(crm_journal_entry_at(NULL), CRM_TIME_NONE);
    CHECK(crm_journal_entry_actor(NULL) == NULL);
    CHECK(crm_journal_entry_entity(NULL) == NULL);
    CHECK(crm_journal_entry_entity_id(NULL) == NULL);
    CHECK(crm_journal_entry_op(NULL) == NULL);
    CHECK(crm_journal_entry_data(NULL) == NULL);
    crm_close(db);
}

TEST(close_with_open_cursor)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    crm_journal_entry_cursor *cur = NULL;
    CHECK_OK(db, crm_journal_entry_list_open(&cur, db, 0));
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    CHECK_CONTAINS(crm_errmsg(db), "cursor");
    crm_journal_entry_cursor_free(cur);
    CHECK_INT(crm_close(db), CRM_OK);
}

/* ---- transactions ------------------------------------------------------------------------- */

TEST(rollback_leaves_no_row)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", a);
    int64_t before = test_last_seq(db);
    test_snapshot snap;
    test_snapshot_take(db, &snap);

    CHECK_OK(db, crm_begin(db));
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", b);
    CHECK_OK(db, crm_identity_add(NULL, db, a, "account", "AC-1", 0));
    CHECK_OK(db, crm_customer_rename(db, a, "Jane Q. Doe"));
    CHECK_INT(test_last_seq(db), before + 3); /* the transaction sees its own rows */
    CHECK_OK(db, crm_rollback(db));

    CHECK_INT(test_last_seq(db), before);
    int n;
    CHECK_OK(db, read_journal(db, before, entries, &n));
    CHECK_INT(n, 0);
    crm_customer *c = NULL;
    CHECK_RC(db, crm_customer_get(&c, db, b), CRM_ENOTFOUND);
    CHECK_OK(db, crm_customer_get(&c, db, a));
    CHECK_STR(crm_customer_name(c), "Jane Doe");
    crm_customer_free(c);
    CHECK_UNCHANGED(db, &snap);
    crm_close(db);
}

TEST(failed_call_in_group)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", a);
    int64_t before = test_last_seq(db);

    CHECK_OK(db, crm_begin(db));
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", b);
    CHECK_OK(db, crm_identity_add(NULL, db, a, "account", "AC-1", 0));
    int64_t mid = test_last_seq(db);
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    /* Failures found before anything is written, and after the call has
     * begun its own part of the transaction. */
    CHECK_RC(db, crm_identity_add(NULL, db, b, "account", " AC-1 ", CRM_IDENTITY_PRIMARY),
             CRM_EEXISTS);
    CHECK_RC(db, crm_customer_rename(db, TEST_UNKNOWN_ID, "X"), CRM_ENOTFOUND);
    CHECK_RC(db, crm_customer_rename(db, a, ""), CRM_EINVAL);
    CHECK_RC(db, crm_attr_unset(db, a, "missing"), CRM_ENOTFOUND);
    CHECK_RC(db, crm_identity_remove(db, a, "account", "AC-2"), CRM_ENOTFOUND);
    CHECK_UNCHANGED(db, &snap);
    CHECK_OK(db, crm_tag_add(db, a, "vip"));
    CHECK_RC(db, crm_tag_add(db, a, "vip"), CRM_EEXISTS);
    CHECK_INT(test_last_seq(db), mid + 1);
    CHECK_INT(crm_in_transaction(db), 1);
    CHECK_OK(db, crm_commit(db));

    int n;
    CHECK_OK(db, read_journal(db, before, entries, &n));
    CHECK_INT(n, 3);
    CHECK_STR(entries[0].entity, "customer");
    CHECK_STR(entries[0].entity_id, b);
    CHECK_STR(entries[1].entity, "identity");
    CHECK_STR(entries[1].entity_id, a);
    CHECK_STR(entries[2].entity, "tag");
    CHECK_INT(entries[0].seq, before + 1);
    CHECK_INT(entries[1].seq, before + 2);
    CHECK_INT(entries[2].seq, before + 3);
    crm_close(db);
}

/* ---- sequence numbers --------------------------------------------------------------------- */

TEST(seq_after_rollback)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", a);
    int64_t committed = test_last_seq(db);
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_tag_add(db, a, "one"));
    CHECK_OK(db, crm_tag_add(db, a, "two"));
    CHECK_OK(db, crm_rollback(db));
    CHECK_OK(db, crm_tag_add(db, a, "three"));
    int n;
    CHECK_OK(db, read_journal(db, 0, entries, &n));
    CHECK_INT(n, 2);
    CHECK(entries[1].seq > committed);
    CHECK_FIELD(entries[1].data, "tag", "three");

    /* A call that failed inside a group, then a commit, then more. */
    CHECK_OK(db, crm_begin(db));
    CHECK_RC(db, crm_tag_add(db, a, "three"), CRM_EEXISTS);
    CHECK_OK(db, crm_tag_add(db, a, "four"));
    CHECK_OK(db, crm_commit(db));
    CHECK_OK(db, crm_tag_add(db, a, "five"));
    CHECK_OK(db, read_journal(db, 0, entries, &n));
    CHECK_INT(n, 4);
    for (int i = 1; i < n; i++)
        CHECK(entries[i].seq > entries[i - 1].seq);
    crm_close(db);
}

/* AUTOINCREMENT: even when the newest rows are gone from the table, their
 * numbers are not handed out again. The rows are removed behind libcrm's
 * back with SQLite itself, as nothing in the API deletes journal rows. */
TEST(seq_never_reused)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    char a[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", a);
    CHECK_OK(db, crm_tag_add(db, a, "one"));
    CHECK_OK(db, crm_tag_add(db, a, "two"));
    int64_t high = test_last_seq(db);
    CHECK_INT(high, 3);
    CHECK_OK(db, crm_close(db));

    sqlite3 *raw = NULL;
    CHECK_INT(sqlite3_open_v2(path, &raw, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    int src = sqlite3_exec(raw, "DELETE FROM journal WHERE seq > 1", NULL, NULL, NULL);
    sqlite3_close(raw);
    CHECK_INT(src, SQLITE_OK);

    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    CHECK_INT(crm_open(&db, path, &o), CRM_OK);
    CHECK_INT(test_last_seq(db), 1);
    CHECK_OK(db, crm_tag_add(db, a, "three"));
    int n;
    CHECK_OK(db, read_journal(db, 1, entries, &n));
    CHECK_INT(n, 1);
    CHECK(entries[0].seq > high);
    CHECK_FIELD(entries[0].data, "tag", "three");
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

/* ---- out of memory --------------------------------------------------------------------- */

/* Reading the journal and setting the actor, failed at the N-th allocation
 * for N = 0, 1, ... until they succeed. */
TEST(out_of_memory)
{
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    int rc = CRM_ENOMEM, n = 0;
    long fails = 0;
    for (long k = 0; k < 100 && rc != CRM_OK; k++) {
        test_alloc_countdown = k;
        rc = read_journal(db, 0, entries, &n);
        test_alloc_countdown = -1;
        if (rc != CRM_OK) {
            CHECK_RC(db, rc, CRM_ENOMEM);
            fails++;
        }
    }
    CHECK_OK(db, rc);
    CHECK_INT(n, 2);
    CHECK(fails > 0);

    /* The actor is kept in the handle: setting it allocates nothing. */
    test_alloc_countdown = 0;
    rc = crm_set_actor(db, "agent:alice");
    test_alloc_countdown = -1;
    CHECK_OK(db, rc);
    CHECK_STR(crm_actor(db), "agent:alice");
    crm_close(db);
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

int main(void)
{
    RUN(json_reader);
    RUN(empty_journal);
    RUN(every_write);
    RUN(reads_write_nothing);
    RUN(actor);
    RUN(bad_actors);
    RUN(json_escaping);
    RUN(since);
    RUN(cursor_does_not_see_later_writes);
    RUN(cursor_and_another_writer);
    RUN(bad_arguments);
    RUN(close_with_open_cursor);
    RUN(rollback_leaves_no_row);
    RUN(failed_call_in_group);
    RUN(seq_after_rollback);
    RUN(seq_never_reused);
    RUN(out_of_memory);
    return test_summary();
}
