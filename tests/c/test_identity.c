/*
 * libcrm tests - identities: adding each kind, the records, listing,
 * primary flags, removal, conflicts, shared values and their holders, the
 * journal, and bad input for every call in crm/identity.h (but the
 * resolving calls: test_resolve.c).
 */
#include "test.h"

/* ---- helpers -------------------------------------------------------------- */

/* lookup(kind, value) finds nothing, naming what it looked for, and
 * changes nothing. */
static void check_not_found(crm_db *db, const char *kind, const char *value, const char *key)
{
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    crm_customer *c = NULL;
    int rc = crm_identity_lookup(&c, db, kind, value);
    if (rc != CRM_ENOTFOUND)
        fprintf(stderr, "looking up %s '%s'\n", kind, value);
    CHECK_RC(db, rc, CRM_ENOTFOUND);
    CHECK(c == NULL);
    CHECK_CONTAINS(crm_errmsg(db), kind);
    CHECK_CONTAINS(crm_errmsg(db), key);
    CHECK_UNCHANGED(db, &snap);
}

/* The flags of the identity. */
static unsigned int flags_of(crm_db *db, const char *id, const char *kind, const char *value)
{
    crm_identity *i = NULL;
    if (crm_identity_get(&i, db, id, kind, value) != CRM_OK) {
        fprintf(stderr, "get %s '%s': %s\n", kind, value, crm_errmsg(db));
        return 0xdead;
    }
    unsigned int f = crm_identity_flags(i);
    crm_identity_free(i);
    return f;
}

/* The journal's newest entry, copied. */
typedef struct entry {
    int64_t seq;
    char actor[160], entity[32], entity_id[CRM_ID_LEN + 1], op[32], data[2048];
} entry;

static int last_entry(crm_db *db, entry *e)
{
    int64_t last;
    crm_journal_entry_cursor *cur;
    const crm_journal_entry *je;
    if (crm_journal_last_seq(&last, db) != CRM_OK || last < 1 ||
        crm_journal_entry_list_open(&cur, db, last - 1) != CRM_OK)
        return 0;
    int ok = crm_journal_entry_cursor_next(cur, &je) == CRM_ROW;
    if (ok) {
        e->seq = crm_journal_entry_seq(je);
        snprintf(e->actor, sizeof e->actor, "%s", crm_journal_entry_actor(je));
        snprintf(e->entity, sizeof e->entity, "%s", crm_journal_entry_entity(je));
        snprintf(e->entity_id, sizeof e->entity_id, "%s", crm_journal_entry_entity_id(je));
        snprintf(e->op, sizeof e->op, "%s", crm_journal_entry_op(je));
        snprintf(e->data, sizeof e->data, "%s", crm_journal_entry_data(je));
    }
    crm_journal_entry_cursor_free(cur);
    return ok;
}

/* ---- every call, for the bad-input loops ------------------------------------ */

enum op { OP_ADD, OP_REMOVE, OP_FLAGS, OP_LOOKUP, OP_GET, OP_NORMALIZE, OP_COUNT };
static const char *const op_names[] = {
    "crm_identity_add", "crm_identity_remove", "crm_identity_set_flags",
    "crm_identity_lookup", "crm_identity_get", "crm_identity_normalise",
};

static char poison; /* what out-params point at before a call that must fail */

/* Run one call. On success whatever it returned is freed; *wrote says
 * whether the out-param was written. */
static int do_op(enum op op, crm_db *db, const char *cid, const char *kind, const char *value,
                 unsigned int flags, int *wrote)
{
    int rc = CRM_ERROR;
    void *p = &poison;
    *wrote = 0;
    switch (op) {
    case OP_ADD: {
        crm_identity *o = p;
        rc = crm_identity_add(&o, db, cid, kind, value, flags);
        *wrote = o != p;
        if (rc == CRM_OK)
            crm_identity_free(o);
        break;
    }
    case OP_REMOVE:
        rc = crm_identity_remove(db, cid, kind, value);
        break;
    case OP_FLAGS:
        rc = crm_identity_set_flags(db, cid, kind, value, flags);
        break;
    case OP_LOOKUP: {
        crm_customer *o = p;
        rc = crm_identity_lookup(&o, db, kind, value);
        *wrote = o != p;
        if (rc == CRM_OK)
            crm_customer_free(o);
        break;
    }
    case OP_GET: {
        crm_identity *o = p;
        rc = crm_identity_get(&o, db, cid, kind, value);
        *wrote = o != p;
        if (rc == CRM_OK)
            crm_identity_free(o);
        break;
    }
    case OP_NORMALIZE: {
        char *o = p;
        rc = crm_identity_normalise(&o, db, kind, value);
        *wrote = o != p;
        if (rc == CRM_OK)
            crm_free(o);
        break;
    }
    default:
        break;
    }
    return rc;
}

/* The call fails with code, its message contains each fragment (up to two),
 * its out-param is untouched and the database is as in snap. */
static void expect_fail(crm_db *db, const test_snapshot *snap, enum op op, const char *cid,
                        const char *kind, const char *value, unsigned int flags, int code,
                        const char *frag1, const char *frag2)
{
    int wrote;
    int rc = do_op(op, db, cid, kind, value, flags, &wrote);
    CHECK_RC(db, rc, code);
    if (frag1)
        CHECK_CONTAINS(crm_errmsg(db), frag1);
    if (frag2)
        CHECK_CONTAINS(crm_errmsg(db), frag2);
    CHECK(!wrote);
    CHECK_UNCHANGED(db, snap);
}

/* Printable form of a test value for failure reports. */
static const char *show(const char *s, char buf[64])
{
    if (!s)
        return "(NULL)";
    size_t o = 0;
    for (; *s && o + 5 < 60; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c < 0x7f)
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, 64 - o, "\\x%02x", c);
    }
    buf[o] = '\0';
    return buf;
}

/* expect_fail() against the snapshot `snap` of the calling test, taken
 * before the first of its failing calls. */
#define EXPECT_FAIL(db, op, cid, kind, value, flags, code, f1, f2)                         \
    do {                                                                                 \
        expect_fail((db), &snap, (op), (cid), (kind), (value), (flags), (code), (f1), (f2)); \
        if (test_current_failed) {                                                       \
            char b1_[64], b2_[64];                                                       \
            fprintf(stderr, "  in %s kind '%s' value '%s'\n", op_names[op],              \
                    show((kind), b1_), show((value), b2_));                              \
            goto out;                                                                    \
        }                                                                                \
    } while (0)

static const char *const all_kinds[] = { "phone", "email", "social", "account",
                                         "loyalty", "member_no", NULL };

/* ---- adding each kind ---------------------------------------------------------- */

TEST(add_phone)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    int64_t before = crm_now();
    crm_identity *i = NULL;
    CHECK_OK(db, crm_identity_add(&i, db, id, "phone", "+1 (415) 555-0100",
                                  CRM_IDENTITY_PRIMARY | CRM_IDENTITY_VERIFIED));
    int64_t after = crm_now();
    CHECK_STR(crm_identity_customer_id(i), id);
    CHECK_STR(crm_identity_kind(i), "phone");
    CHECK_STR(crm_identity_value(i), "+1 (415) 555-0100");
    CHECK_STR(crm_identity_key(i), "+14155550100");
    CHECK_INT(crm_identity_flags(i), CRM_IDENTITY_PRIMARY | CRM_IDENTITY_VERIFIED);
    CHECK(crm_identity_created_at(i) >= before && crm_identity_created_at(i) <= after);
    crm_identity_free(i);
    test_check_finds(db, "phone", "(415) 555-0100", id);
    test_check_finds(db, "phone", "+14155550100", id);
    crm_close(db);
}

TEST(add_email)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    crm_identity *i = NULL;
    CHECK_OK(db, crm_identity_add(&i, db, id, "email", "Jane.Doe@Example.COM", 0));
    CHECK_STR(crm_identity_value(i), "Jane.Doe@Example.COM");
    CHECK_STR(crm_identity_key(i), "jane.doe@example.com");
    CHECK_INT(crm_identity_flags(i), 0);
    crm_identity_free(i);
    test_check_finds(db, "email", "jane.doe@example.com", id);
    test_check_finds(db, "email", "JANE.DOE@EXAMPLE.COM", id);
    test_check_finds(db, "email", "  Jane.Doe@example.com ", id);
    check_not_found(db, "email", "jane.doe@example.org", "jane.doe@example.org");
    check_not_found(db, "email", "janedoe@example.com", "janedoe@example.com");
    /* Only ASCII is folded; no provider-specific rewriting. */
    test_check_key(db, "email", "J\xc3\x96rg@Example.com", "j\xc3\x96rg@example.com");
    test_check_key(db, "email", "jane.doe+crm@gmail.com", "jane.doe+crm@gmail.com");
    crm_close(db);
}

TEST(add_social)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Delta", id);
    crm_identity *i = NULL;
    CHECK_OK(db, crm_identity_add(&i, db, id, "social", "twitter:@DeltaAssist", 0));
    CHECK_STR(crm_identity_value(i), "twitter:@DeltaAssist");
    CHECK_STR(crm_identity_key(i), "twitter:deltaassist");
    crm_identity_free(i);
    test_check_finds(db, "social", "TWITTER:deltaassist", id);
    test_check_finds(db, "social", "twitter:@deltaassist", id);
    test_check_finds(db, "social", " Twitter:DeltaAssist ", id);
    /* The network is part of the identity. */
    check_not_found(db, "social", "mastodon:@DeltaAssist", "mastodon:deltaassist");
    test_check_key(db, "social", "mastodon.social:@Delta_Assist-1",
                   "mastodon.social:delta_assist-1");
    crm_close(db);
}

TEST(add_exact_kinds)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    crm_identity *i = NULL;
    CHECK_OK(db, crm_identity_add(&i, db, id, "account", "  AC-1001 ", 0));
    CHECK_STR(crm_identity_value(i), "  AC-1001 ");
    CHECK_STR(crm_identity_key(i), "AC-1001");
    crm_identity_free(i);
    test_check_finds(db, "account", "AC-1001", id);
    test_check_finds(db, "account", " AC-1001", id);
    check_not_found(db, "account", "ac-1001", "ac-1001");
    check_not_found(db, "account", "AC 1001", "AC 1001");

    CHECK_OK(db, crm_identity_add(NULL, db, id, "loyalty", "LX 42", 0));
    test_check_finds(db, "loyalty", "LX 42", id);
    check_not_found(db, "loyalty", "lx 42", "lx 42");
    check_not_found(db, "loyalty", "LX42", "LX42");

    CHECK_OK(db, crm_identity_add(&i, db, id, "member_no", "M-7", 0));
    CHECK_STR(crm_identity_kind(i), "member_no");
    CHECK_STR(crm_identity_key(i), "M-7");
    crm_identity_free(i);
    test_check_finds(db, "member_no", "M-7", id);
    check_not_found(db, "member_no", "m-7", "m-7");

    /* Kinds are separate name spaces. */
    check_not_found(db, "account", "M-7", "M-7");
    CHECK_OK(db, crm_identity_add(NULL, db, id, "account", "M-7", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "account", "+14155550100", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", 0));

    /* Longest kind, longest value, any UTF-8. */
    static const char k32[] = "k234567890123456789012345678901_";
    CHECK_INT(strlen(k32), 32);
    CHECK_OK(db, crm_identity_add(NULL, db, id, k32, "x", 0));
    test_check_finds(db, k32, "x", id);
    char *max = test_long_string(CRM_IDENTITY_MAX);
    int rc = crm_identity_add(NULL, db, id, "account", max, 0);
    if (rc == CRM_OK) {
        crm_identity *g = NULL;
        rc = crm_identity_get(&g, db, id, "account", max);
        if (rc == CRM_OK && strcmp(crm_identity_value(g), max) != 0)
            rc = CRM_ERROR;
        crm_identity_free(g);
    }
    if (rc == CRM_OK)
        rc = crm_identity_remove(db, id, "account", max);
    free(max);
    CHECK_OK(db, rc);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "member_no", "Z\xc3\xbc" "rich \xe6\x9d\xb1 \xf0\x9f\x98\x80", 0));
    test_check_finds(db, "member_no", "Z\xc3\xbc" "rich \xe6\x9d\xb1 \xf0\x9f\x98\x80", id);
    crm_close(db);
}

TEST(normalise_each_kind)
{
    crm_db *db = test_open_memory();
    test_check_key(db, "phone", "(415) 555-0100", "+14155550100");
    test_check_key(db, "email", " Jane.Doe@Example.COM ", "jane.doe@example.com");
    test_check_key(db, "social", "TWITTER:@DeltaAssist", "twitter:deltaassist");
    test_check_key(db, "account", "  AC-1001 ", "AC-1001");
    test_check_key(db, "loyalty", "LX 42", "LX 42");
    test_check_key(db, "member_no", " M-7", "M-7");
    /* Nothing is written. */
    int64_t seq = -1;
    CHECK_OK(db, crm_journal_last_seq(&seq, db));
    CHECK_INT(seq, 0);
    crm_close(db);
}

/* ---- records ---------------------------------------------------------------------- */

TEST(get_dup_free)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    crm_identity *a = NULL, *g = NULL, *d = NULL;
    CHECK_OK(db, crm_identity_add(&a, db, id, "email", "Jane.Doe@Example.COM",
                                  CRM_IDENTITY_VERIFIED));
    CHECK_OK(db, crm_identity_get(&g, db, id, "email", "JANE.doe@example.com"));
    CHECK_STR(crm_identity_customer_id(g), id);
    CHECK_STR(crm_identity_kind(g), "email");
    CHECK_STR(crm_identity_value(g), "Jane.Doe@Example.COM");
    CHECK_STR(crm_identity_key(g), "jane.doe@example.com");
    CHECK_INT(crm_identity_flags(g), CRM_IDENTITY_VERIFIED);
    CHECK_INT(crm_identity_created_at(g), crm_identity_created_at(a));
    crm_identity_free(a);

    CHECK_INT(crm_identity_dup(&d, g), CRM_OK);
    CHECK(d != g);
    CHECK(crm_identity_value(d) != crm_identity_value(g));
    crm_identity_free(g); /* the copy outlives the original */
    CHECK_STR(crm_identity_customer_id(d), id);
    CHECK_STR(crm_identity_kind(d), "email");
    CHECK_STR(crm_identity_value(d), "Jane.Doe@Example.COM");
    CHECK_STR(crm_identity_key(d), "jane.doe@example.com");
    CHECK_INT(crm_identity_flags(d), CRM_IDENTITY_VERIFIED);
    CHECK(crm_identity_created_at(d) > 0);

    crm_identity *x = (crm_identity *)(void *)&poison;
    CHECK_INT(crm_identity_dup(NULL, d), CRM_EINVAL);
    CHECK_INT(crm_identity_dup(&x, NULL), CRM_EINVAL);
    CHECK(x == (crm_identity *)(void *)&poison);
    crm_identity_free(d);
    crm_identity_free(NULL);

    /* Accessors on NULL. */
    CHECK(crm_identity_customer_id(NULL) == NULL);
    CHECK(crm_identity_kind(NULL) == NULL);
    CHECK(crm_identity_value(NULL) == NULL);
    CHECK(crm_identity_key(NULL) == NULL);
    CHECK_INT(crm_identity_flags(NULL), 0);
    CHECK_INT(crm_identity_created_at(NULL), CRM_TIME_NONE);

    /* Any case of the customer id; records show it in lower case. */
    char upper[CRM_ID_LEN + 1];
    for (int k = 0; k <= CRM_ID_LEN; k++)
        upper[k] = (char)(id[k] >= 'a' && id[k] <= 'f' ? id[k] - 'a' + 'A' : id[k]);
    CHECK_OK(db, crm_identity_add(&a, db, upper, "account", "AC-1", 0));
    CHECK_STR(crm_identity_customer_id(a), id);
    crm_identity_free(a);
    crm_close(db);
}

/* The customer's identities, listed, as "kind=value/flags" joined by ";". */
static int list_text(crm_db *db, const char *id, char *buf, size_t size)
{
    crm_identity_cursor *cur = NULL;
    int rc = crm_identity_list_open(&cur, db, id);
    if (rc)
        return rc;
    const crm_identity *i;
    size_t o = 0;
    buf[0] = '\0';
    while ((rc = crm_identity_cursor_next(cur, &i)) == CRM_ROW) {
        if (strcmp(crm_identity_customer_id(i), id) != 0) {
            rc = CRM_ERROR;
            break;
        }
        o += (size_t)snprintf(buf + o, size - o, "%s%s=%s/%u", o ? ";" : "", crm_identity_kind(i),
                              crm_identity_value(i), crm_identity_flags(i));
    }
    crm_identity_cursor_free(cur);
    return rc == CRM_DONE ? CRM_OK : rc;
}

TEST(list_by_kind_primary_first)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", other);
    char buf[1024];
    CHECK_OK(db, list_text(db, id, buf, sizeof buf));
    CHECK_STR(buf, "");

    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550101", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "email", "b@example.com", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, other, "phone", "+14155550199", CRM_IDENTITY_PRIMARY));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550102", CRM_IDENTITY_PRIMARY));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "account", "AC-1", CRM_IDENTITY_VERIFIED));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "email", "a@example.com", CRM_IDENTITY_PRIMARY));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550103", 0));
    CHECK_OK(db, list_text(db, id, buf, sizeof buf));
    CHECK_STR(buf, "account=AC-1/2;email=a@example.com/1;email=b@example.com/0;"
                   "phone=+14155550102/1;phone=+14155550101/0;phone=+14155550103/0");
    CHECK_OK(db, list_text(db, other, buf, sizeof buf));
    CHECK_STR(buf, "phone=+14155550199/1");

    /* A row can be kept with dup; the cursor keeps answering DONE. */
    crm_identity_cursor *cur = NULL;
    const crm_identity *row = NULL;
    crm_identity *kept = NULL;
    CHECK_OK(db, crm_identity_list_open(&cur, db, id));
    CHECK_INT(crm_identity_cursor_next(cur, &row), CRM_ROW);
    CHECK_INT(crm_identity_dup(&kept, row), CRM_OK);
    while (crm_identity_cursor_next(cur, &row) == CRM_ROW)
        ;
    CHECK_INT(crm_identity_cursor_next(cur, &row), CRM_DONE);
    CHECK_RC(db, crm_identity_cursor_next(cur, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "output");
    crm_identity_cursor_free(cur);
    CHECK_STR(crm_identity_value(kept), "AC-1");
    CHECK_STR(crm_identity_customer_id(kept), id);
    crm_identity_free(kept);
    CHECK_RC(NULL, crm_identity_cursor_next(NULL, &row), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_identity_cursor_next");
    CHECK_CONTAINS(crm_errmsg(NULL), "cursor");
    crm_identity_cursor_free(NULL);
    crm_close(db);
}

/* ---- the primary flag ----------------------------------------------------------- */

TEST(primary_moves_on_add)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", other);
    const unsigned P = CRM_IDENTITY_PRIMARY, V = CRM_IDENTITY_VERIFIED;
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550101", P | V));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "email", "jane@example.com", P));
    CHECK_OK(db, crm_identity_add(NULL, db, other, "phone", "+14155550199", P));
    /* A non-primary one leaves the flag where it is. */
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550102", V));
    CHECK_INT(flags_of(db, id, "phone", "+14155550101"), P | V);
    CHECK_INT(flags_of(db, id, "phone", "+14155550102"), V);
    /* A primary one takes it, within its kind and its customer only. */
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550103", P));
    CHECK_INT(flags_of(db, id, "phone", "+14155550101"), V);
    CHECK_INT(flags_of(db, id, "phone", "+14155550102"), V);
    CHECK_INT(flags_of(db, id, "phone", "+14155550103"), P);
    CHECK_INT(flags_of(db, id, "email", "jane@example.com"), P);
    CHECK_INT(flags_of(db, other, "phone", "+14155550199"), P);
    crm_close(db);
}

TEST(primary_handover_is_journaled)
{
    /* A subscriber mirroring identities from the journal must see the old
     * primary lose its flag, whichever call moved it. */
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    const unsigned P = CRM_IDENTITY_PRIMARY, V = CRM_IDENTITY_VERIFIED;
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550101", P | V));
    int64_t since = test_last_seq(db);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550102", P));
    test_jrow on_add[] = {
        { "identity", "flags", id, { "\"key\":\"+14155550101\"", "\"flags\":2" }, NULL },
        { "identity", "add", id, { "\"key\":\"+14155550102\"", "\"flags\":1" }, NULL },
    };
    CHECK(test_journal_is(db, since, on_add, 2));
    since = test_last_seq(db);
    CHECK_OK(db, crm_identity_set_flags(db, id, "phone", "+14155550101", P));
    test_jrow on_set[] = {
        { "identity", "flags", id, { "\"key\":\"+14155550102\"", "\"flags\":0" }, NULL },
        { "identity", "flags", id, { "\"key\":\"+14155550101\"", "\"flags\":1" }, NULL },
    };
    CHECK(test_journal_is(db, since, on_set, 2));
    /* Taking the flag it already has writes only its own row. */
    since = test_last_seq(db);
    CHECK_OK(db, crm_identity_set_flags(db, id, "phone", "+14155550101", P | V));
    test_jrow again[] = {
        { "identity", "flags", id, { "\"key\":\"+14155550101\"", "\"flags\":3" }, NULL },
    };
    CHECK(test_journal_is(db, since, again, 1));
    crm_close(db);
}

TEST(primary_via_set_flags)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", other);
    const unsigned P = CRM_IDENTITY_PRIMARY, V = CRM_IDENTITY_VERIFIED;
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550101", P));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550102", V));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "email", "jane@example.com", P));
    CHECK_OK(db, crm_identity_add(NULL, db, other, "phone", "+14155550199", P));

    /* Named by another form of the value. */
    CHECK_OK(db, crm_identity_set_flags(db, id, "phone", "(415) 555-0102", P | V));
    CHECK_INT(flags_of(db, id, "phone", "+14155550101"), 0);
    CHECK_INT(flags_of(db, id, "phone", "+14155550102"), P | V);
    CHECK_INT(flags_of(db, id, "email", "jane@example.com"), P);
    CHECK_INT(flags_of(db, other, "phone", "+14155550199"), P);
    /* Flags are replaced, not added to. */
    CHECK_OK(db, crm_identity_set_flags(db, id, "phone", "+14155550102", V));
    CHECK_INT(flags_of(db, id, "phone", "+14155550102"), V);
    CHECK_INT(flags_of(db, id, "phone", "+14155550101"), 0);
    CHECK_OK(db, crm_identity_set_flags(db, id, "phone", "+14155550102", 0));
    CHECK_INT(flags_of(db, id, "phone", "+14155550102"), 0);
    /* Setting PRIMARY on the primary one again keeps it. */
    CHECK_OK(db, crm_identity_set_flags(db, id, "email", "JANE@example.com", P));
    CHECK_OK(db, crm_identity_set_flags(db, id, "email", "jane@example.com", P | V));
    CHECK_INT(flags_of(db, id, "email", "jane@example.com"), P | V);
    char buf[512];
    CHECK_OK(db, list_text(db, id, buf, sizeof buf));
    CHECK_STR(buf, "email=jane@example.com/3;phone=+14155550101/0;phone=+14155550102/0");
    crm_close(db);
}

/* ---- removal and fetching -------------------------------------------------------- */

TEST(remove_by_any_form)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "email", "Jane.Doe@Example.COM", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "social", "twitter:@DeltaAssist", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "account", "AC-1", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "member_no", "M-7", 0));

    CHECK_OK(db, crm_identity_remove(db, id, "phone", "(415) 555-0100"));
    check_not_found(db, "phone", "+14155550100", "+14155550100");
    CHECK_OK(db, crm_identity_remove(db, id, "email", "JANE.DOE@example.com"));
    check_not_found(db, "email", "jane.doe@example.com", "jane.doe@example.com");
    CHECK_OK(db, crm_identity_remove(db, id, "social", "TWITTER:deltaassist"));
    check_not_found(db, "social", "twitter:@DeltaAssist", "twitter:deltaassist");
    CHECK_OK(db, crm_identity_remove(db, id, "account", " AC-1 "));
    check_not_found(db, "account", "AC-1", "AC-1");
    char buf[256];
    CHECK_OK(db, list_text(db, id, buf, sizeof buf));
    CHECK_STR(buf, "member_no=M-7/0");

    /* Gone is gone; the value can then be given to someone else. */
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    CHECK_RC(db, crm_identity_remove(db, id, "phone", "+14155550100"), CRM_ENOTFOUND);
    CHECK_CONTAINS(crm_errmsg(db), "+14155550100");
    CHECK_UNCHANGED(db, &snap);
    CHECK_RC(db, crm_identity_remove(db, id, "member_no", "m-7"), CRM_ENOTFOUND);
    CHECK_CONTAINS(crm_errmsg(db), "m-7");
    CHECK_UNCHANGED(db, &snap);
    char other[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", other);
    CHECK_OK(db, crm_identity_add(NULL, db, other, "phone", "415-555-0100", 0));
    test_check_finds(db, "phone", "+14155550100", other);
    crm_close(db);
}

TEST(get_not_found)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", 0));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    crm_identity *i = (crm_identity *)(void *)&poison;
    CHECK_RC(db, crm_identity_get(&i, db, id, "phone", "+14155550101"), CRM_ENOTFOUND);
    CHECK_CONTAINS(crm_errmsg(db), "+14155550101");
    CHECK(i == (crm_identity *)(void *)&poison);
    CHECK_RC(db, crm_identity_get(&i, db, id, "account", "+14155550100"), CRM_ENOTFOUND);
    CHECK_CONTAINS(crm_errmsg(db), "account");
    CHECK_RC(db, crm_identity_set_flags(db, id, "phone", "+14155550101", 0), CRM_ENOTFOUND);
    CHECK_CONTAINS(crm_errmsg(db), "+14155550101");
    CHECK_UNCHANGED(db, &snap);
    crm_close(db);
}

/* ---- conflicts ---------------------------------------------------------------------- */

TEST(taken_by_another_customer)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1], john[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", john);
    CHECK_OK(db, crm_identity_add(NULL, db, jane, "phone", "+14155550100", CRM_IDENTITY_PRIMARY));
    CHECK_OK(db, crm_identity_add(NULL, db, jane, "email", "Jane.Doe@Example.COM", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, jane, "social", "twitter:@DeltaAssist", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, jane, "account", "AC-1", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, john, "phone", "+14155550199", CRM_IDENTITY_PRIMARY));

    static const char *const taken[][3] = {
        { "phone", "(415) 555-0100", "+14155550100" },
        { "email", "jane.doe@example.com", "jane.doe@example.com" },
        { "social", "TWITTER:deltaassist", "twitter:deltaassist" },
        { "account", " AC-1", "AC-1" },
    };
    for (size_t k = 0; k < sizeof taken / sizeof taken[0]; k++) {
        for (unsigned flags = 0; flags <= 3; flags += 3) {
            /* to another customer: names the owner's id and name */
            test_snapshot snap;
            test_snapshot_take(db, &snap);
            crm_identity *out = (crm_identity *)(void *)&poison;
            CHECK_RC(db, crm_identity_add(&out, db, john, taken[k][0], taken[k][1], flags),
                     CRM_EEXISTS);
            CHECK_CONTAINS(crm_errmsg(db), jane);
            CHECK_CONTAINS(crm_errmsg(db), "Jane Doe");
            CHECK_CONTAINS(crm_errmsg(db), taken[k][2]);
            CHECK_STR(crm_conflict_id(db), jane);
            CHECK(out == (crm_identity *)(void *)&poison);
            CHECK_UNCHANGED(db, &snap);
            /* to its owner again */
            CHECK_RC(db, crm_identity_add(&out, db, jane, taken[k][0], taken[k][1], flags),
                     CRM_EEXISTS);
            CHECK_CONTAINS(crm_errmsg(db), jane);
            CHECK_CONTAINS(crm_errmsg(db), taken[k][2]);
            CHECK(out == (crm_identity *)(void *)&poison);
            CHECK_UNCHANGED(db, &snap);
        }
    }
    /* The conflict id is there only after CRM_EEXISTS. */
    CHECK_OK(db, crm_identity_add(NULL, db, john, "email", "john@example.com", 0));
    CHECK(crm_conflict_id(db) == NULL);
    CHECK_RC(db, crm_identity_add(NULL, db, john, "email", "not-an-address", 0), CRM_EINVAL);
    CHECK(crm_conflict_id(db) == NULL);
    CHECK(crm_conflict_id(NULL) == NULL);
    /* The failed primary add took no flag from anyone. */
    CHECK_INT(flags_of(db, jane, "phone", "+14155550100"), CRM_IDENTITY_PRIMARY);
    CHECK_INT(flags_of(db, john, "phone", "+14155550199"), CRM_IDENTITY_PRIMARY);
    test_check_finds(db, "phone", "+14155550100", jane);
    crm_close(db);
}

TEST(lookup_finds_archived)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", 0));
    CHECK_OK(db, crm_customer_archive(db, id));
    crm_customer *c = NULL;
    CHECK_OK(db, crm_identity_lookup(&c, db, "phone", "(415) 555-0100"));
    CHECK_STR(crm_customer_id(c), id);
    CHECK_STR(crm_customer_name(c), "Jane Doe");
    CHECK_INT(crm_customer_is_archived(c), 1);
    CHECK_INT(crm_customer_kind(c), CRM_CUSTOMER_PERSON);
    crm_customer_free(c);
    /* ... and an archived customer's identity is still taken. */
    char other[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", other);
    CHECK_RC(db, crm_identity_add(NULL, db, other, "phone", "+14155550100", 0), CRM_EEXISTS);
    CHECK_CONTAINS(crm_errmsg(db), id);
    crm_close(db);
}

/* ---- shared identities ------------------------------------------------------------- */

/* The call fails with code and a message holding each fragment given (up
 * to three), crm_conflict_id() names `conflict` (NULL: nothing), and the
 * database is as it was. */
#define CHECK_REFUSED(db, call, code, conflict, f1, f2, f3)                     \
    do {                                                                        \
        test_snapshot s_;                                                       \
        const char *fr_[] = { (f1), (f2), (f3) }, *cf_ = (conflict);            \
        test_snapshot_take((db), &s_);                                          \
        CHECK_RC((db), (call), (code));                                         \
        for (int k_ = 0; k_ < 3; k_++)                                          \
            if (fr_[k_])                                                        \
                CHECK_CONTAINS(crm_errmsg(db), fr_[k_]);                        \
        if (cf_)                                                                \
            CHECK_STR(crm_conflict_id(db), cf_);                                \
        else                                                                    \
            CHECK(crm_conflict_id(db) == NULL);                                 \
        CHECK_UNCHANGED((db), &s_);                                             \
    } while (0)

/* The names of the holders of kind/value, in list order, joined by ","
 * into buf; CRM_OK or the code the listing failed with. */
static int holders_text(crm_db *db, const char *kind, const char *value, char *buf, size_t size)
{
    crm_customer_cursor *cur = NULL;
    int rc = crm_customer_holders_open(&cur, db, kind, value);
    if (rc)
        return rc;
    const crm_customer *c;
    size_t o = 0;
    buf[0] = '\0';
    while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? "," : "", crm_customer_name(c));
    crm_customer_cursor_free(cur);
    return rc == CRM_DONE ? CRM_OK : rc;
}

/* lookup(kind, value) refuses to pick one of n holders, leaving out and the
 * database alone. */
static void check_ambiguous(crm_db *db, const char *kind, const char *value, const char *key,
                            int n)
{
    char count[32];
    snprintf(count, sizeof count, "shared by %d customers", n);
    crm_customer *c = (crm_customer *)(void *)&poison;
    CHECK_REFUSED(db, crm_identity_lookup(&c, db, kind, value), CRM_EAMBIGUOUS, NULL, count, key,
                  "list its holders");
    CHECK(c == (crm_customer *)(void *)&poison);
}

TEST(shared_value_has_several_holders)
{
    crm_db *db = test_open_memory();
    char mickey[CRM_ID_LEN + 1], minnie[CRM_ID_LEN + 1], pluto[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Mickey", mickey);
    test_customer(db, CRM_CUSTOMER_PERSON, "Minnie", minnie);
    test_customer(db, CRM_CUSTOMER_PERSON, "Pluto", pluto);
    const unsigned P = CRM_IDENTITY_PRIMARY, S = CRM_IDENTITY_SHARED, V = CRM_IDENTITY_VERIFIED;
    int64_t since = test_last_seq(db);
    CHECK_OK(db, crm_identity_add(NULL, db, mickey, "phone", "+1 415 555 0100", P | S));
    /* One holder, shared or not, is found. */
    test_check_finds(db, "phone", "(415) 555-0100", mickey);
    crm_identity *i = NULL;
    CHECK_OK(db, crm_identity_add(&i, db, minnie, "phone", "(415) 555-0100", S | V));
    CHECK_STR(crm_identity_customer_id(i), minnie);
    CHECK_STR(crm_identity_value(i), "(415) 555-0100");
    CHECK_STR(crm_identity_key(i), "+14155550100");
    CHECK_INT(crm_identity_flags(i), S | V);
    crm_identity_free(i);
    /* Each holder's flags are its own; each entry is under its holder. */
    CHECK_INT(flags_of(db, mickey, "phone", "+14155550100"), P | S);
    CHECK_INT(flags_of(db, minnie, "phone", "+14155550100"), S | V);
    test_jrow added[] = {
        { "identity", "add", mickey, { "\"key\":\"+14155550100\"", "\"flags\":5" }, NULL },
        { "identity", "add", minnie, { "\"value\":\"(415) 555-0100\"", "\"flags\":6" }, NULL },
    };
    CHECK(test_journal_is(db, since, added, 2));

    /* The lookup names none of them; the list names both, by id. */
    check_ambiguous(db, "phone", "415.555.0100", "+14155550100", 2);
    if (test_current_failed)
        goto out;
    char buf[256];
    CHECK_OK(db, holders_text(db, "phone", "+1 (415) 555-0100", buf, sizeof buf));
    CHECK_STR(buf, "Mickey,Minnie");
    CHECK_OK(db, crm_identity_add(NULL, db, pluto, "phone", "+14155550100", S));
    check_ambiguous(db, "phone", "+14155550100", "+14155550100", 3);
    if (test_current_failed)
        goto out;
    CHECK_OK(db, holders_text(db, "phone", "+14155550100", buf, sizeof buf));
    CHECK_STR(buf, "Mickey,Minnie,Pluto");
    /* Every holder still has it in their own list. */
    CHECK_OK(db, list_text(db, pluto, buf, sizeof buf));
    CHECK_STR(buf, "phone=+14155550100/4");
out:
    crm_close(db);
}

TEST(shared_conflicts)
{
    crm_db *db = test_open_memory();
    char mickey[CRM_ID_LEN + 1], minnie[CRM_ID_LEN + 1], pluto[CRM_ID_LEN + 1];
    char donald[CRM_ID_LEN + 1], daisy[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Mickey", mickey);
    test_customer(db, CRM_CUSTOMER_PERSON, "Minnie", minnie);
    test_customer(db, CRM_CUSTOMER_PERSON, "Pluto", pluto);
    test_customer(db, CRM_CUSTOMER_PERSON, "Donald", donald);
    test_customer(db, CRM_CUSTOMER_PERSON, "Daisy", daisy);
    const unsigned P = CRM_IDENTITY_PRIMARY, S = CRM_IDENTITY_SHARED;
    CHECK_OK(db, crm_identity_add(NULL, db, mickey, "email", "home@example.com", S));
    CHECK_OK(db, crm_identity_add(NULL, db, minnie, "email", "HOME@example.com", S | P));
    CHECK_OK(db, crm_identity_add(NULL, db, donald, "email", "donald@example.com", P));
    CHECK_OK(db, crm_identity_add(NULL, db, pluto, "email", "pluto@example.com", P));

    crm_identity *out = (crm_identity *)(void *)&poison;
    /* Unshared, where others share: refused, naming the first holder. */
    for (unsigned f = 0; f <= P; f++) {
        CHECK_REFUSED(db, crm_identity_add(&out, db, pluto, "email", "home@example.com", f),
                      CRM_EEXISTS, mickey, "already belongs to customer", "(Mickey) and 1 other",
                      "who share it; add it with CRM_IDENTITY_SHARED");
    }
    /* Shared, where one holds it unshared: refused, saying so. */
    CHECK_REFUSED(db, crm_identity_add(&out, db, daisy, "email", "Donald@example.com", S),
                  CRM_EEXISTS, donald, "who holds it unshared", "Donald", "donald@example.com");
    CHECK_REFUSED(db, crm_identity_add(&out, db, daisy, "email", "donald@example.com", S | P),
                  CRM_EEXISTS, donald, "unshared", donald, NULL);
    /* Unshared where one holds it unshared: as ever. */
    CHECK_RC(db, crm_identity_add(&out, db, daisy, "email", "donald@example.com", 0),
             CRM_EEXISTS);
    CHECK_CONTAINS(crm_errmsg(db), "already belongs to customer");
    CHECK_CONTAINS(crm_errmsg(db), donald);
    CHECK(!strstr(crm_errmsg(db), "shared"));
    /* The same customer twice, however it asks. */
    for (unsigned f = 0; f <= (P | S); f++) {
        CHECK_REFUSED(db, crm_identity_add(&out, db, minnie, "email", "home@EXAMPLE.com", f),
                      CRM_EEXISTS, minnie, "already belongs to this customer", "Minnie", NULL);
        CHECK_REFUSED(db, crm_identity_add(&out, db, donald, "email", "donald@example.com", f),
                      CRM_EEXISTS, donald, "already belongs to this customer", "Donald", NULL);
    }
    /* A missing customer is said before whose the value is. */
    CHECK_REFUSED(db, crm_identity_add(&out, db, TEST_UNKNOWN_ID, "email", "donald@example.com",
                                       S),
                  CRM_ENOTFOUND, NULL, "no customer has id", TEST_UNKNOWN_ID, NULL);
    CHECK_REFUSED(db, crm_identity_add(&out, db, TEST_UNKNOWN_ID, "email", "home@example.com", 0),
                  CRM_ENOTFOUND, NULL, "no customer has id", TEST_UNKNOWN_ID, NULL);
    CHECK(out == (crm_identity *)(void *)&poison);
    /* With three holders the message counts the others. */
    CHECK_OK(db, crm_identity_add(NULL, db, daisy, "email", "home@example.com", S));
    CHECK_REFUSED(db, crm_identity_add(NULL, db, pluto, "email", "home@example.com", 0),
                  CRM_EEXISTS, mickey, "and 2 others, who share it", NULL, NULL);
    /* A failed primary add took the mark from no one. */
    CHECK_INT(flags_of(db, pluto, "email", "pluto@example.com"), P);
    CHECK_INT(flags_of(db, daisy, "email", "home@example.com"), S);
    crm_close(db);
}

TEST(shared_flags_and_removal)
{
    crm_db *db = test_open_memory();
    char mickey[CRM_ID_LEN + 1], minnie[CRM_ID_LEN + 1], pluto[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Mickey", mickey);
    test_customer(db, CRM_CUSTOMER_PERSON, "Minnie", minnie);
    test_customer(db, CRM_CUSTOMER_PERSON, "Pluto", pluto);
    const unsigned P = CRM_IDENTITY_PRIMARY, S = CRM_IDENTITY_SHARED, V = CRM_IDENTITY_VERIFIED;
    CHECK_OK(db, crm_identity_add(NULL, db, mickey, "phone", "+14155550100", S));
    CHECK_OK(db, crm_identity_add(NULL, db, minnie, "phone", "+14155550100", S | P));
    CHECK_OK(db, crm_identity_add(NULL, db, minnie, "phone", "+14155550111", 0));

    /* Not shared any more while another holds it: refused, naming them. */
    for (unsigned f = 0; f <= (P | V); f++) {
        CHECK_REFUSED(db, crm_identity_set_flags(db, mickey, "phone", "(415) 555-0100", f),
                      CRM_EEXISTS, minnie, "shared with 1 other customer", "(Minnie)",
                      "stays CRM_IDENTITY_SHARED");
        CHECK_INT(flags_of(db, mickey, "phone", "+14155550100"), S);
    }
    /* A holder's primary mark is taken within its own identities only. */
    int64_t since = test_last_seq(db);
    CHECK_OK(db, crm_identity_set_flags(db, mickey, "phone", "+14155550100", S | P | V));
    CHECK_INT(flags_of(db, mickey, "phone", "+14155550100"), S | P | V);
    CHECK_INT(flags_of(db, minnie, "phone", "+14155550100"), S | P);
    test_jrow flagged[] = {
        { "identity", "flags", mickey, { "\"key\":\"+14155550100\"", "\"flags\":7" }, NULL },
    };
    CHECK(test_journal_is(db, since, flagged, 1));
    since = test_last_seq(db);
    CHECK_OK(db, crm_identity_set_flags(db, minnie, "phone", "+14155550111", P));
    CHECK_INT(flags_of(db, minnie, "phone", "+14155550100"), S);
    CHECK_INT(flags_of(db, mickey, "phone", "+14155550100"), S | P | V);
    test_jrow moved[] = {
        { "identity", "flags", minnie, { "\"key\":\"+14155550100\"", "\"flags\":4" }, NULL },
        { "identity", "flags", minnie, { "\"key\":\"+14155550111\"", "\"flags\":1" }, NULL },
    };
    CHECK(test_journal_is(db, since, moved, 2));

    /* Gets and removals name the holder. */
    crm_identity *i = (crm_identity *)(void *)&poison;
    CHECK_REFUSED(db, crm_identity_get(&i, db, pluto, "phone", "+14155550100"), CRM_ENOTFOUND,
                  NULL, "has no phone identity", pluto, "+14155550100");
    CHECK_REFUSED(db, crm_identity_remove(db, pluto, "phone", "+14155550100"), CRM_ENOTFOUND,
                  NULL, "has no phone identity", pluto, "+14155550100");
    CHECK_REFUSED(db, crm_identity_set_flags(db, pluto, "phone", "+14155550100", S),
                  CRM_ENOTFOUND, NULL, "has no phone identity", pluto, "+14155550100");
    CHECK(i == (crm_identity *)(void *)&poison);
    CHECK_OK(db, crm_identity_get(&i, db, minnie, "phone", "415-555-0100"));
    CHECK_STR(crm_identity_customer_id(i), minnie);
    CHECK_INT(crm_identity_flags(i), S);
    crm_identity_free(i);
    since = test_last_seq(db);
    CHECK_OK(db, crm_identity_remove(db, mickey, "phone", "(415) 555-0100"));
    test_jrow removed[] = {
        { "identity", "remove", mickey, { "\"kind\":\"phone\"", "\"flags\":7" }, "4155550100" },
    };
    CHECK(test_journal_is(db, since, removed, 1));
    /* The other holder keeps it, and is now the one found. */
    test_check_finds(db, "phone", "+14155550100", minnie);
    char buf[128];
    CHECK_OK(db, holders_text(db, "phone", "+14155550100", buf, sizeof buf));
    CHECK_STR(buf, "Minnie");
    CHECK_RC(db, crm_identity_get(&i, db, mickey, "phone", "+14155550100"), CRM_ENOTFOUND);

    /* Alone, a holder may stop sharing; then no one else may add it
     * shared, until it is shared again. */
    CHECK_OK(db, crm_identity_set_flags(db, minnie, "phone", "+14155550100", 0));
    CHECK_REFUSED(db, crm_identity_add(NULL, db, mickey, "phone", "+14155550100", S),
                  CRM_EEXISTS, minnie, "holds it unshared", NULL, NULL);
    CHECK_OK(db, crm_identity_set_flags(db, minnie, "phone", "+14155550100", S));
    CHECK_OK(db, crm_identity_add(NULL, db, mickey, "phone", "+14155550100", S));
    CHECK_OK(db, holders_text(db, "phone", "+14155550100", buf, sizeof buf));
    CHECK_STR(buf, "Mickey,Minnie");
    /* Removing a holder leaves the others' shared flags as they are. */
    CHECK_OK(db, crm_identity_remove(db, minnie, "phone", "+14155550100"));
    CHECK_INT(flags_of(db, mickey, "phone", "+14155550100"), S);
    crm_close(db);
}

/* An add first asks one question of the identities: does anyone hold the
 * value, or (for a primary one) does the customer hold any of its kind?
 * Whatever it finds, alone or together, the add does as it always did. */
TEST(add_checks_what_it_finds)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], bob[CRM_ID_LEN + 1], cy[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", bob);
    test_customer(db, CRM_CUSTOMER_PERSON, "Cy", cy);
    const unsigned P = CRM_IDENTITY_PRIMARY, S = CRM_IDENTITY_SHARED, V = CRM_IDENTITY_VERIFIED;
    CHECK_OK(db, crm_identity_add(NULL, db, ann, "phone", "+14155550100", S | P));
    CHECK_OK(db, crm_identity_add(NULL, db, bob, "phone", "+14155550111", P | V));
    CHECK_OK(db, crm_identity_add(NULL, db, bob, "email", "bob@example.com", P));

    /* A holder of the value and another primary of the customer's, both
     * at once: the value is shared, and the mark moves. */
    int64_t since = test_last_seq(db);
    CHECK_OK(db, crm_identity_add(NULL, db, bob, "phone", "(415) 555-0100", S | P));
    test_jrow both[] = {
        { "identity", "flags", bob, { "\"key\":\"+14155550111\"", "\"flags\":2" }, NULL },
        { "identity", "add", bob, { "\"key\":\"+14155550100\"", "\"flags\":5" }, NULL },
    };
    CHECK(test_journal_is(db, since, both, 2));
    CHECK_INT(flags_of(db, bob, "phone", "+14155550111"), V);
    CHECK_INT(flags_of(db, bob, "phone", "+14155550100"), S | P);
    CHECK_INT(flags_of(db, ann, "phone", "+14155550100"), S | P);
    CHECK_INT(flags_of(db, bob, "email", "bob@example.com"), P);
    char buf[128];
    CHECK_OK(db, holders_text(db, "phone", "+14155550100", buf, sizeof buf));
    CHECK_STR(buf, "Ann,Bob");

    /* Both at once, and refused: the mark stays where it was. */
    CHECK_OK(db, crm_identity_add(NULL, db, cy, "phone", "+14155550122", P));
    CHECK_REFUSED(db, crm_identity_add(NULL, db, cy, "phone", "+14155550100", P), CRM_EEXISTS,
                  ann, "already belongs to customer", "(Ann) and 1 other", "who share it");
    CHECK_INT(flags_of(db, cy, "phone", "+14155550122"), P);

    /* Identities of the kind, none of them primary: the new one takes the
     * mark from no one, and only its own entry is written. */
    CHECK_OK(db, crm_identity_set_flags(db, cy, "phone", "+14155550122", V));
    since = test_last_seq(db);
    CHECK_OK(db, crm_identity_add(NULL, db, cy, "phone", "+14155550133", P));
    test_jrow own[] = {
        { "identity", "add", cy, { "\"key\":\"+14155550133\"", "\"flags\":1" }, NULL },
    };
    CHECK(test_journal_is(db, since, own, 1));
    CHECK_INT(flags_of(db, cy, "phone", "+14155550122"), V);
    CHECK_OK(db, list_text(db, cy, buf, sizeof buf));
    CHECK_STR(buf, "phone=+14155550133/1;phone=+14155550122/2");

    /* The customer's own value again, found as a holding and as one of its
     * kind: refused as the same customer's. */
    CHECK_REFUSED(db, crm_identity_add(NULL, db, cy, "phone", "415-555-0133", P), CRM_EEXISTS,
                  cy, "already belongs to this customer", "(Cy)", NULL);
    CHECK_REFUSED(db, crm_identity_add(NULL, db, cy, "phone", "415-555-0133", 0), CRM_EEXISTS,
                  cy, "already belongs to this customer", NULL, NULL);

    /* Nothing found, inside a group: a missing customer is refused, said
     * as ever, and the group goes on. */
    CHECK_OK(db, crm_begin(db));
    CHECK_REFUSED(db, crm_identity_add(NULL, db, TEST_UNKNOWN_ID, "phone", "+14155550144", P),
                  CRM_ENOTFOUND, NULL, "no customer has id", TEST_UNKNOWN_ID, NULL);
    CHECK_REFUSED(db, crm_identity_add(NULL, db, TEST_UNKNOWN_ID, "loyalty", "L-1", 0),
                  CRM_ENOTFOUND, NULL, "no customer has id", TEST_UNKNOWN_ID, NULL);
    CHECK_OK(db, crm_identity_add(NULL, db, ann, "loyalty", "L-1", P));
    CHECK_OK(db, crm_commit(db));
    test_check_finds(db, "loyalty", "L-1", ann);
    crm_close(db);
}

/* A customer created in a group holds nothing until a row changes: its
 * first primary of a kind is added without asking for others. Each step
 * that could make it hold something (an add, a refused add, a rollback,
 * another customer, a later group) leaves the primary mark where the
 * rules put it: one per kind. */
TEST(bare_customer_in_a_group)
{
    crm_db *db = test_open_memory();
    const unsigned P = CRM_IDENTITY_PRIMARY, V = CRM_IDENTITY_VERIFIED;
    char held[CRM_ID_LEN + 1], buf[256];
    test_customer(db, CRM_CUSTOMER_PERSON, "Held", held);
    CHECK_OK(db, crm_identity_add(NULL, db, held, "phone", "+14155550190", P));

    /* Two primaries in a row: the second takes the mark, journaled. */
    CHECK_OK(db, crm_begin(db));
    char ann[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    CHECK_OK(db, crm_identity_add(NULL, db, ann, "phone", "+14155550101", P | V));
    int64_t since = test_last_seq(db);
    CHECK_OK(db, crm_identity_add(NULL, db, ann, "phone", "+14155550102", P));
    test_jrow moved[] = {
        { "identity", "flags", ann, { "\"key\":\"+14155550101\"", "\"flags\":2" }, NULL },
        { "identity", "add", ann, { "\"key\":\"+14155550102\"", "\"flags\":1" }, NULL },
    };
    CHECK(test_journal_is(db, since, moved, 2));
    CHECK_OK(db, crm_commit(db));
    CHECK_OK(db, list_text(db, ann, buf, sizeof buf));
    CHECK_STR(buf, "phone=+14155550102/1;phone=+14155550101/2");

    /* A refused add changes nothing: the customer is still bare, and what
     * it is then given is its only primary; one not primary, then a
     * primary of the same kind, leaves the first as it was. */
    CHECK_OK(db, crm_begin(db));
    char bob[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", bob);
    CHECK_REFUSED(db, crm_identity_add(NULL, db, bob, "phone", "+14155550190", P), CRM_EEXISTS,
                  held, "already belongs to customer", "(Held)", NULL);
    CHECK_OK(db, crm_identity_add(NULL, db, bob, "email", "bob@example.com", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, bob, "email", "bob@example.org", P));
    CHECK_OK(db, crm_identity_add(NULL, db, bob, "phone", "+14155550111", P));
    CHECK_OK(db, crm_identity_add(NULL, db, bob, "phone", "+14155550112", P));
    CHECK_OK(db, crm_commit(db));
    CHECK_OK(db, list_text(db, bob, buf, sizeof buf));
    CHECK_STR(buf, "email=bob@example.org/1;email=bob@example.com/0;"
                   "phone=+14155550112/1;phone=+14155550111/0");

    /* Another customer created since: the first is asked about again. */
    CHECK_OK(db, crm_begin(db));
    char cy[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Cy", cy);
    CHECK_OK(db, crm_identity_add(NULL, db, cy, "phone", "+14155550121", P));
    char di[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Di", di);
    CHECK_OK(db, crm_identity_add(NULL, db, cy, "phone", "+14155550122", P));
    CHECK_OK(db, crm_commit(db));
    CHECK_OK(db, list_text(db, cy, buf, sizeof buf));
    CHECK_STR(buf, "phone=+14155550122/1;phone=+14155550121/0");

    /* Created in a group that was rolled back: gone, and said so in the
     * next group; created in one group and given a primary in the next,
     * or outside any: asked about. */
    CHECK_OK(db, crm_begin(db));
    char gone[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Gone", gone);
    CHECK_OK(db, crm_rollback(db));
    CHECK_OK(db, crm_begin(db));
    CHECK_REFUSED(db, crm_identity_add(NULL, db, gone, "phone", "+14155550131", P),
                  CRM_ENOTFOUND, NULL, "no customer has id", gone, NULL);
    char ed[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ed", ed);
    CHECK_OK(db, crm_identity_add(NULL, db, ed, "phone", "+14155550141", P));
    CHECK_OK(db, crm_commit(db));
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_identity_add(NULL, db, ed, "phone", "+14155550142", P));
    CHECK_OK(db, crm_commit(db));
    CHECK_OK(db, crm_identity_add(NULL, db, ed, "phone", "+14155550143", P));
    CHECK_OK(db, list_text(db, ed, buf, sizeof buf));
    CHECK_STR(buf, "phone=+14155550143/1;phone=+14155550141/0;phone=+14155550142/0");
    crm_close(db);
}

TEST(holders_list)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], bob[CRM_ID_LEN + 1], cy[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", bob);
    test_customer(db, CRM_CUSTOMER_PERSON, "Cy", cy);
    const unsigned S = CRM_IDENTITY_SHARED;
    CHECK_OK(db, crm_identity_add(NULL, db, bob, "account", "AC-1", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, cy, "loyalty", "L-1", S));
    CHECK_OK(db, crm_identity_add(NULL, db, ann, "loyalty", "L-1", S));
    CHECK_OK(db, crm_customer_archive(db, cy));
    char buf[256];
    /* Nobody's: an empty list. One holder, shared or not: one. */
    CHECK_OK(db, holders_text(db, "account", "AC-2", buf, sizeof buf));
    CHECK_STR(buf, "");
    CHECK_OK(db, holders_text(db, "account", " AC-1 ", buf, sizeof buf));
    CHECK_STR(buf, "Bob");
    /* By id, archived customers too; the rows are whole customers. */
    CHECK_OK(db, holders_text(db, "loyalty", "L-1", buf, sizeof buf));
    CHECK_STR(buf, "Ann,Cy");
    crm_customer_cursor *cur = NULL;
    const crm_customer *c;
    CHECK_OK(db, crm_customer_holders_open(&cur, db, "loyalty", "L-1"));
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_id(c), ann);
    /* A holder added while the list is walked is for the next list. */
    CHECK_OK(db, crm_identity_add(NULL, db, bob, "loyalty", "L-1", S));
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_id(c), cy);
    CHECK_INT(crm_customer_is_archived(c), 1);
    CHECK_INT(crm_customer_kind(c), CRM_CUSTOMER_PERSON);
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_DONE);
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_DONE);
    crm_customer_cursor_free(cur);
    CHECK_OK(db, holders_text(db, "loyalty", "L-1", buf, sizeof buf));
    CHECK_STR(buf, "Ann,Bob,Cy");
    /* Lists and lookups write nothing. */
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, holders_text(db, "loyalty", "L-1", buf, sizeof buf));
    CHECK_INT(test_last_seq(db), seq);

    /* Bad input, the cursor untouched, the database as it was. */
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    cur = (crm_customer_cursor *)(void *)&poison;
    CHECK_FAILS(db, crm_customer_holders_open(NULL, db, "loyalty", "L-1"), CRM_EINVAL, "output");
    CHECK_NULL_DB(db, crm_customer_holders_open(&cur, NULL, "loyalty", "L-1"),
                  "crm_customer_holders_open");
    CHECK_FAILS2(db, crm_customer_holders_open(&cur, db, NULL, "L-1"), CRM_EINVAL,
                 "identity kind", "NULL");
    CHECK_FAILS(db, crm_customer_holders_open(&cur, db, "Loyalty", "L-1"), CRM_EINVAL,
                "'Loyalty'");
    CHECK_FAILS2(db, crm_customer_holders_open(&cur, db, "loyalty", NULL), CRM_EINVAL,
                 "identity value", "NULL");
    CHECK_FAILS2(db, crm_customer_holders_open(&cur, db, "loyalty", ""), CRM_EINVAL,
                 "identity value", "empty");
    CHECK_FAILS(db, crm_customer_holders_open(&cur, db, "loyalty", "  "), CRM_EINVAL, "blank");
    CHECK_FAILS(db, crm_customer_holders_open(&cur, db, "phone", "abc"), CRM_EINVAL,
                "not a phone number");
    CHECK_FAILS(db, crm_customer_holders_open(&cur, db, "email", "a@b@c"), CRM_EINVAL,
                "e-mail");
    for (int b = 0; test_bad_utf8[b]; b++)
        CHECK_FAILS(db, crm_customer_holders_open(&cur, db, "loyalty", test_bad_utf8[b]),
                    CRM_EINVAL, "UTF-8");
    char *too_long = test_long_string(CRM_IDENTITY_MAX + 1);
    int rc = crm_customer_holders_open(&cur, db, "loyalty", too_long);
    free(too_long);
    CHECK_RC(db, rc, CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "257 bytes");
    CHECK_FAILS(db, crm_customer_holders_open(&cur, db, "loyalty", "L\t1"), CRM_EINVAL,
                "control character");
    CHECK(cur == (crm_customer_cursor *)(void *)&poison);
    CHECK_UNCHANGED(db, &snap);
    crm_close(db);
}

/* Under failing allocations the calls around shared values say ENOMEM,
 * leave their out-params alone and change nothing; then they succeed. */
TEST(shared_when_out_of_memory)
{
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], bob[CRM_ID_LEN + 1], cy[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", bob);
    test_customer(db, CRM_CUSTOMER_PERSON, "Cy", cy);
    const unsigned S = CRM_IDENTITY_SHARED;
    CHECK_OK(db, crm_identity_add(NULL, db, ann, "phone", "+14155550100", S));
    CHECK_OK(db, crm_identity_add(NULL, db, bob, "phone", "+14155550100", S));
    int rc = CRM_ENOMEM;
    /* The refusals read the holders' names. */
    for (long n = 0; n < 200; n++) {
        test_snapshot snap;
        test_snapshot_take(db, &snap);
        crm_identity *i = (crm_identity *)(void *)&poison;
        test_alloc_countdown = n;
        rc = crm_identity_add(&i, db, cy, "phone", "+14155550100", 0);
        test_alloc_countdown = -1;
        CHECK(i == (crm_identity *)(void *)&poison);
        if (rc == CRM_EEXISTS)
            CHECK_CONTAINS(crm_errmsg(db), "(Ann) and 1 other");
        else
            CHECK_INT(rc, CRM_ENOMEM);
        CHECK_UNCHANGED(db, &snap);
        if (rc == CRM_EEXISTS)
            break;
    }
    CHECK_INT(rc, CRM_EEXISTS);
    for (long n = 0; n < 200; n++) {
        test_snapshot snap;
        test_snapshot_take(db, &snap);
        test_alloc_countdown = n;
        rc = crm_identity_set_flags(db, ann, "phone", "+14155550100", 0);
        test_alloc_countdown = -1;
        if (rc == CRM_EEXISTS)
            CHECK_CONTAINS(crm_errmsg(db), "(Bob)");
        else
            CHECK_INT(rc, CRM_ENOMEM);
        CHECK_UNCHANGED(db, &snap);
        if (rc == CRM_EEXISTS)
            break;
    }
    CHECK_INT(rc, CRM_EEXISTS);
    CHECK_INT(flags_of(db, ann, "phone", "+14155550100"), S);
    for (long n = 0; n < 200; n++) {
        crm_customer *c = (crm_customer *)(void *)&poison;
        test_alloc_countdown = n;
        rc = crm_identity_lookup(&c, db, "phone", "(415) 555-0100");
        test_alloc_countdown = -1;
        CHECK(c == (crm_customer *)(void *)&poison);
        if (rc == CRM_EAMBIGUOUS)
            break;
        CHECK_INT(rc, CRM_ENOMEM);
    }
    CHECK_INT(rc, CRM_EAMBIGUOUS);
    for (long n = 0; n < 200; n++) {
        char buf[64];
        test_alloc_countdown = n;
        rc = holders_text(db, "phone", "+14155550100", buf, sizeof buf);
        test_alloc_countdown = -1;
        if (rc == CRM_OK) {
            CHECK_STR(buf, "Ann,Bob");
            break;
        }
        CHECK_INT(rc, CRM_ENOMEM);
    }
    CHECK_OK(db, rc);
    for (long n = 0; n < 200; n++) {
        test_snapshot snap;
        test_snapshot_take(db, &snap);
        crm_identity *i = (crm_identity *)(void *)&poison;
        test_alloc_countdown = n;
        rc = crm_identity_add(&i, db, cy, "phone", "+14155550100", S);
        test_alloc_countdown = -1;
        if (rc == CRM_OK) {
            CHECK_INT(crm_identity_flags(i), S);
            crm_identity_free(i);
            break;
        }
        CHECK_INT(rc, CRM_ENOMEM);
        CHECK(i == (crm_identity *)(void *)&poison);
        CHECK_UNCHANGED(db, &snap);
    }
    CHECK_OK(db, rc);
    crm_close(db);
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

/* ---- the journal --------------------------------------------------------------------- */

TEST(journal_rows)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_set_actor(db, "agent:alice"));
    entry e, prev;
    CHECK(last_entry(db, &prev));

    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "(415) 555-0100", CRM_IDENTITY_PRIMARY));
    CHECK(last_entry(db, &e));
    CHECK(e.seq > prev.seq);
    CHECK_STR(e.actor, "agent:alice");
    CHECK_STR(e.entity, "identity");
    CHECK_STR(e.entity_id, id);
    CHECK_STR(e.op, "add");
    CHECK_CONTAINS(e.data, "\"kind\":\"phone\"");
    CHECK_CONTAINS(e.data, "\"value\":\"(415) 555-0100\"");
    CHECK_CONTAINS(e.data, "\"key\":\"+14155550100\"");
    CHECK_CONTAINS(e.data, "\"flags\":1");
    CHECK(e.data[0] == '{' && e.data[strlen(e.data) - 1] == '}');
    prev = e;

    CHECK_OK(db, crm_identity_set_flags(db, id, "phone", "+1 415 555 0100", CRM_IDENTITY_VERIFIED));
    CHECK(last_entry(db, &e));
    CHECK_INT(e.seq, prev.seq + 1);
    CHECK_STR(e.entity, "identity");
    CHECK_STR(e.entity_id, id);
    CHECK_STR(e.op, "flags");
    CHECK_CONTAINS(e.data, "\"kind\":\"phone\"");
    CHECK_CONTAINS(e.data, "\"value\":\"(415) 555-0100\"");
    CHECK_CONTAINS(e.data, "\"key\":\"+14155550100\"");
    CHECK_CONTAINS(e.data, "\"flags\":2");
    prev = e;

    CHECK_OK(db, crm_identity_remove(db, id, "phone", "+14155550100"));
    CHECK(last_entry(db, &e));
    CHECK_INT(e.seq, prev.seq + 1);
    CHECK_STR(e.entity, "identity");
    CHECK_STR(e.entity_id, id);
    CHECK_STR(e.op, "remove");
    CHECK_CONTAINS(e.data, "\"kind\":\"phone\"");
    CHECK_CONTAINS(e.data, "\"flags\":2");
    /* A remove forgets the value: the entry keeps no form of it. */
    CHECK(strstr(e.data, "555") == NULL);
    CHECK(strstr(e.data, "\"value\"") == NULL && strstr(e.data, "\"key\"") == NULL);
    prev = e;

    /* A value with quotes and backslashes stays a JSON string. */
    CHECK_OK(db, crm_identity_add(NULL, db, id, "account", "AC\"1\\2", 0));
    CHECK(last_entry(db, &e));
    CHECK_CONTAINS(e.data, "\"value\":\"AC\\\"1\\\\2\"");
    CHECK_CONTAINS(e.data, "\"flags\":0");

    /* Lookups, gets, lists and normalising write nothing. */
    CHECK(last_entry(db, &prev));
    crm_customer *c = NULL;
    CHECK_OK(db, crm_identity_lookup(&c, db, "account", "AC\"1\\2"));
    crm_customer_free(c);
    char *k = NULL;
    CHECK_OK(db, crm_identity_normalise(&k, db, "phone", "415 555 0100"));
    crm_free(k);
    char buf[256];
    CHECK_OK(db, list_text(db, id, buf, sizeof buf));
    CHECK(last_entry(db, &e));
    CHECK_INT(e.seq, prev.seq);
    crm_close(db);
}

/* ---- bad input ----------------------------------------------------------------------- */

TEST(null_db)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", 0));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    crm_identity *i = (crm_identity *)(void *)&poison;
    crm_customer *c = (crm_customer *)(void *)&poison;
    char *k = &poison;
    crm_identity_cursor *cur = (crm_identity_cursor *)(void *)&poison;

    CHECK_RC(NULL, crm_identity_add(&i, NULL, id, "phone", "+14155550101", 0), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_identity_add");
    CHECK_RC(NULL, crm_identity_remove(NULL, id, "phone", "+14155550100"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_identity_remove");
    CHECK_RC(NULL, crm_identity_set_flags(NULL, id, "phone", "+14155550100", 0), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_identity_set_flags");
    CHECK_RC(NULL, crm_identity_lookup(&c, NULL, "phone", "+14155550100"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_identity_lookup");
    CHECK_RC(NULL, crm_identity_get(&i, NULL, id, "phone", "+14155550100"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_identity_get");
    CHECK_RC(NULL, crm_identity_normalise(&k, NULL, "phone", "+14155550100"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_identity_normalise");
    CHECK_RC(NULL, crm_identity_list_open(&cur, NULL, id), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_identity_list_open");
    CHECK(i == (crm_identity *)(void *)&poison);
    CHECK(c == (crm_customer *)(void *)&poison);
    CHECK(k == &poison);
    CHECK(cur == (crm_identity_cursor *)(void *)&poison);
    CHECK_UNCHANGED(db, &snap);
    crm_close(db);
}

TEST(null_out)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", 0));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    CHECK_RC(db, crm_identity_lookup(NULL, db, "phone", "+14155550100"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "output");
    CHECK_RC(db, crm_identity_get(NULL, db, id, "phone", "+14155550100"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "output");
    CHECK_RC(db, crm_identity_normalise(NULL, db, "phone", "+14155550100"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "output");
    CHECK_RC(db, crm_identity_list_open(NULL, db, id), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "output");
    CHECK_UNCHANGED(db, &snap);
    /* crm_identity_add takes NULL for "no record wanted". */
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550101", 0));
    crm_close(db);
}

TEST(bad_customer_ids)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    static const enum op named[] = { OP_ADD, OP_REMOVE, OP_FLAGS, OP_GET };
    for (int k = 0; test_bad_ids[k]; k++) {
        for (size_t o = 0; o < sizeof named / sizeof named[0]; o++)
            EXPECT_FAIL(db, named[o], test_bad_ids[k], "phone", "+14155550100", 0, CRM_EINVAL,
                        "customer id", "not an id");
        crm_identity_cursor *cur = (crm_identity_cursor *)(void *)&poison;
        CHECK_RC(db, crm_identity_list_open(&cur, db, test_bad_ids[k]), CRM_EINVAL);
        CHECK_CONTAINS(crm_errmsg(db), "customer id");
        CHECK(cur == (crm_identity_cursor *)(void *)&poison);
        CHECK_UNCHANGED(db, &snap);
    }
    for (size_t o = 0; o < sizeof named / sizeof named[0]; o++) {
        EXPECT_FAIL(db, named[o], NULL, "phone", "+14155550100", 0, CRM_EINVAL, "customer id",
                    "NULL");
        /* Well-formed, but nobody's: said so, though the value is someone's. */
        EXPECT_FAIL(db, named[o], TEST_UNKNOWN_ID, "phone", "+14155550100", 0, CRM_ENOTFOUND,
                    "no customer has id", TEST_UNKNOWN_ID);
    }
    static const char unknown_upper[] = "0190A5B2-7C3E-7D4F-8A1B-2C3D4E5F6A7B";
    EXPECT_FAIL(db, OP_ADD, unknown_upper, "email", "a@b.c", CRM_IDENTITY_PRIMARY,
                CRM_ENOTFOUND, TEST_UNKNOWN_ID, NULL);
    {
        crm_identity_cursor *cur = (crm_identity_cursor *)(void *)&poison;
        CHECK_RC(db, crm_identity_list_open(&cur, db, NULL), CRM_EINVAL);
        CHECK_CONTAINS(crm_errmsg(db), "customer id");
        CHECK_RC(db, crm_identity_list_open(&cur, db, TEST_UNKNOWN_ID), CRM_ENOTFOUND);
        CHECK_CONTAINS(crm_errmsg(db), TEST_UNKNOWN_ID);
        CHECK(cur == (crm_identity_cursor *)(void *)&poison);
        CHECK_UNCHANGED(db, &snap);
    }
out:
    crm_close(db);
}

TEST(bad_kinds)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", 0));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    static const char *const bad[] = {
        "", "Phone", "PHONE", "1abc", "a-b", "a b", " phone", "phone ", "_x", "e-mail",
        "k234567890123456789012345678901_3", /* 33 */
        "ph\xc3\xb6ne", "\xff", "phone\n", NULL,
    };
    for (int op = 0; op < OP_COUNT; op++) {
        for (int k = 0; bad[k]; k++)
            EXPECT_FAIL(db, (enum op)op, id, bad[k], "+14155550100", 0, CRM_EINVAL,
                        "identity kind", NULL);
        EXPECT_FAIL(db, (enum op)op, id, "Phone", "+14155550100", 0, CRM_EINVAL, "'Phone'",
                    NULL);
        EXPECT_FAIL(db, (enum op)op, id, "a-b", "+14155550100", 0, CRM_EINVAL, "'a-b'", NULL);
        EXPECT_FAIL(db, (enum op)op, id, "", "+14155550100", 0, CRM_EINVAL, "''", NULL);
        EXPECT_FAIL(db, (enum op)op, id, NULL, "+14155550100", 0, CRM_EINVAL, "identity kind",
                    "NULL");
    }
out:
    crm_close(db);
}

TEST(bad_values_any_kind)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "account", "AC-1", 0));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    char *too_long = test_long_string(CRM_IDENTITY_MAX + 1);
    static const char *const control[] = {
        "AC-1\t", "\tAC-1", "AC\n1", "AC-1\r", "AC\x01" "1", "AC\x1b" "1", "AC\x7f" "1", NULL,
    };
    for (int op = 0; op < OP_COUNT; op++) {
        for (int k = 0; all_kinds[k]; k++) {
            const char *kind = all_kinds[k];
            EXPECT_FAIL(db, (enum op)op, id, kind, NULL, 0, CRM_EINVAL, "identity value",
                        "NULL");
            EXPECT_FAIL(db, (enum op)op, id, kind, "", 0, CRM_EINVAL, "identity value",
                        "empty");
            for (int b = 0; test_bad_utf8[b]; b++)
                EXPECT_FAIL(db, (enum op)op, id, kind, test_bad_utf8[b], 0, CRM_EINVAL,
                            "identity value", "UTF-8");
            EXPECT_FAIL(db, (enum op)op, id, kind, too_long, 0, CRM_EINVAL, "identity value",
                        "257 bytes");
            for (int c = 0; control[c]; c++)
                EXPECT_FAIL(db, (enum op)op, id, kind, control[c], 0, CRM_EINVAL,
                            "identity value", "control character");
        }
    }
out:
    free(too_long);
    crm_close(db);
}

TEST(bad_emails)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "email", "a@b", 0));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    static const char *const bad[] = {
        "a@", "@b", "a@b@c", "a b@c", "a@b c", "ab", "@", "@@", "   ", " @b", "a@ ", NULL,
    };
    for (int op = 0; op < OP_COUNT; op++)
        for (int k = 0; bad[k]; k++)
            EXPECT_FAIL(db, (enum op)op, id, "email", bad[k], 0, CRM_EINVAL, bad[k],
                        "e-mail");
out:
    crm_close(db);
}

TEST(bad_social)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "social", "twitter:x", 0));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    static const char *const bad[] = {
        "twitter", ":x", "twitter:", "twitter:@", "tw itter:x", "twitter:a b", "twitter:@@x",
        "twitter:a@b", "twitter:a:b", "twitter: x", "tw\xc3\xaftter:x", "tw/itter:x",
        "n23456789012345678901234567890123:x", /* a 33-byte network */
        "   ", NULL,
    };
    for (int op = 0; op < OP_COUNT; op++)
        for (int k = 0; bad[k]; k++)
            EXPECT_FAIL(db, (enum op)op, id, "social", bad[k], 0, CRM_EINVAL, bad[k],
                        "social handle");
    /* a 32-byte network is fine */
    CHECK_OK(db, crm_identity_add(NULL, db, id, "social",
                                  "n2345678901234567890123456789012:x", 0));
out:
    crm_close(db);
}

TEST(bad_phones_and_blanks)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", 0));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    static const char *const phones[] = { "abc", "12", "+", "   ", NULL };
    static const char *const exact[] = { "account", "loyalty", "member_no", NULL };
    for (int op = 0; op < OP_COUNT; op++) {
        for (int k = 0; phones[k]; k++)
            EXPECT_FAIL(db, (enum op)op, id, "phone", phones[k], 0, CRM_EINVAL, phones[k],
                        "phone number");
        for (int k = 0; exact[k]; k++)
            EXPECT_FAIL(db, (enum op)op, id, exact[k], "  ", 0, CRM_EINVAL, exact[k], "blank");
    }
out:
    crm_close(db);
}

TEST(bad_flags)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", CRM_IDENTITY_PRIMARY));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    static const unsigned int bad[] = { 0x8, 0xf, 0x100, 0x80000000u, 0xffffffffu };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char hex[32];
        snprintf(hex, sizeof hex, "0x%x", bad[k] & ~7u);
        EXPECT_FAIL(db, OP_ADD, id, "phone", "+14155550101", bad[k], CRM_EINVAL, "flags", hex);
        EXPECT_FAIL(db, OP_FLAGS, id, "phone", "+14155550100", bad[k], CRM_EINVAL, "flags",
                    hex);
        /* on an identity that does not exist too: the flags are checked first */
        EXPECT_FAIL(db, OP_FLAGS, id, "phone", "+14155550199", bad[k], CRM_EINVAL, "flags",
                    hex);
    }
    CHECK_INT(flags_of(db, id, "phone", "+14155550100"), CRM_IDENTITY_PRIMARY);
out:
    crm_close(db);
}

/* A failing call inside crm_begin() undoes only itself. */
TEST(failure_inside_transaction)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1], john[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", john);
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_identity_add(NULL, db, jane, "phone", "+14155550100", CRM_IDENTITY_PRIMARY));
    CHECK_OK(db, crm_identity_add(NULL, db, john, "phone", "+14155550199", CRM_IDENTITY_PRIMARY));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    CHECK_RC(db, crm_identity_add(NULL, db, john, "phone", "(415) 555-0100",
                                  CRM_IDENTITY_PRIMARY),
             CRM_EEXISTS);
    CHECK_CONTAINS(crm_errmsg(db), "Jane Doe");
    CHECK_UNCHANGED(db, &snap);
    CHECK_RC(db, crm_identity_remove(db, jane, "phone", "+14155550101"), CRM_ENOTFOUND);
    CHECK_UNCHANGED(db, &snap);
    CHECK_INT(crm_in_transaction(db), 1);
    CHECK_OK(db, crm_identity_set_flags(db, john, "phone", "+14155550199", CRM_IDENTITY_VERIFIED));
    CHECK_OK(db, crm_commit(db));
    CHECK_INT(flags_of(db, jane, "phone", "+14155550100"), CRM_IDENTITY_PRIMARY);
    CHECK_INT(flags_of(db, john, "phone", "+14155550199"), CRM_IDENTITY_VERIFIED);
    test_check_finds(db, "phone", "+14155550100", jane);
    crm_close(db);
}

/* ---- out of memory ------------------------------------------------------------------ */

/* Each call that reads, failed at its N-th allocation for N = 0, 1, ...
 * until it succeeds: it says ENOMEM and leaves its out-param alone. */
TEST(out_params_when_out_of_memory)
{
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "email", "jane@example.com", 0));
    static const enum op ops[] = { OP_NORMALIZE, OP_GET, OP_LOOKUP };
    static const char *const kinds[][2] = {
        { "phone", "(415) 555-0100" }, { "email", "Jane@Example.com" },
        { "social", "twitter:@x" },    { "account", " AC-1 " },
    };
    int failed_once = 0;
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            for (long n = 0; n < 100; n++) {
                int wrote;
                test_alloc_countdown = n;
                int rc = do_op(ops[o], db, id, kinds[k][0], kinds[k][1], 0, &wrote);
                test_alloc_countdown = -1;
                if (rc == CRM_OK || (rc == CRM_ENOTFOUND && ops[o] != OP_NORMALIZE))
                    break;
                if (rc != CRM_ENOMEM || wrote)
                    fprintf(stderr, "%s %s, allocation %ld failed: %s, out %s\n",
                            op_names[ops[o]], kinds[k][0], n, crm_errname(rc),
                            wrote ? "written" : "untouched");
                CHECK_INT(rc, CRM_ENOMEM);
                CHECK(!wrote);
                failed_once = 1;
            }
        }
    }
    CHECK(failed_once);
    crm_close(db);
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

/* Each write, failed at its N-th allocation for N = 0, 1, ... until it
 * succeeds: a clean ENOMEM, its out-param alone, the database as it was. */
TEST(writes_when_out_of_memory)
{
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", CRM_IDENTITY_PRIMARY));
    static const struct {
        enum op op;
        const char *kind, *value, *undo_value;
        unsigned int flags;
    } calls[] = {
        { OP_ADD, "phone", "(415) 555-0123", "+14155550123", CRM_IDENTITY_PRIMARY },
        { OP_ADD, "email", "Jane@Example.com", "jane@example.com", 0 },
        { OP_FLAGS, "phone", "(415) 555-0100", NULL, CRM_IDENTITY_VERIFIED },
        { OP_REMOVE, "phone", "(415) 555-0100", "+14155550100", CRM_IDENTITY_PRIMARY },
    };
    for (size_t k = 0; k < sizeof calls / sizeof calls[0]; k++) {
        test_snapshot snap;
        test_snapshot_take(db, &snap);
        int rc = CRM_ENOMEM;
        long n = 0;
        for (; n < 200 && rc != CRM_OK; n++) {
            int wrote;
            test_alloc_countdown = n;
            rc = do_op(calls[k].op, db, id, calls[k].kind, calls[k].value, calls[k].flags,
                       &wrote);
            test_alloc_countdown = -1;
            if (rc == CRM_OK)
                break;
            if (rc != CRM_ENOMEM || wrote)
                fprintf(stderr, "%s %s, allocation %ld failed: %s (%s), out %s\n",
                        op_names[calls[k].op], calls[k].value, n, crm_errname(rc),
                        crm_errmsg(db), wrote ? "written" : "untouched");
            CHECK_INT(rc, CRM_ENOMEM);
            CHECK(!wrote);
            CHECK_INT(crm_in_transaction(db), 0);
            CHECK_UNCHANGED(db, &snap);
        }
        CHECK_OK(db, rc);
        CHECK(n > 0); /* it did allocate, so it did fail */
        /* Undo, for the next call's starting point. */
        if (calls[k].op == OP_ADD)
            CHECK_OK(db, crm_identity_remove(db, id, calls[k].kind, calls[k].undo_value));
        else if (calls[k].op == OP_REMOVE)
            CHECK_OK(db, crm_identity_add(NULL, db, id, calls[k].kind, calls[k].undo_value,
                                          calls[k].flags));
    }
    /* The listing too. */
    for (long n = 0; n < 100; n++) {
        char buf[256];
        test_alloc_countdown = n;
        int rc = list_text(db, id, buf, sizeof buf);
        test_alloc_countdown = -1;
        if (rc == CRM_OK) {
            CHECK_STR(buf, "phone=+14155550100/1");
            break;
        }
        CHECK_INT(rc, CRM_ENOMEM);
    }
    crm_close(db);
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

int main(void)
{
    RUN(add_phone);
    RUN(add_email);
    RUN(add_social);
    RUN(add_exact_kinds);
    RUN(normalise_each_kind);
    RUN(get_dup_free);
    RUN(list_by_kind_primary_first);
    RUN(primary_moves_on_add);
    RUN(primary_via_set_flags);
    RUN(primary_handover_is_journaled);
    RUN(remove_by_any_form);
    RUN(get_not_found);
    RUN(taken_by_another_customer);
    RUN(lookup_finds_archived);
    RUN(shared_value_has_several_holders);
    RUN(shared_conflicts);
    RUN(shared_flags_and_removal);
    RUN(add_checks_what_it_finds);
    RUN(bare_customer_in_a_group);
    RUN(holders_list);
    RUN(shared_when_out_of_memory);
    RUN(journal_rows);
    RUN(null_db);
    RUN(null_out);
    RUN(bad_customer_ids);
    RUN(bad_kinds);
    RUN(bad_values_any_kind);
    RUN(bad_emails);
    RUN(bad_social);
    RUN(bad_phones_and_blanks);
    RUN(bad_flags);
    RUN(failure_inside_transaction);
    RUN(out_params_when_out_of_memory);
    RUN(writes_when_out_of_memory);
    return test_summary();
}
