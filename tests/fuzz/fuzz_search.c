/*
 * The search query parser, and the whole search call over it: what a
 * person types into a search box.
 *
 * Properties: a query is parsed into 1..CRM_SEARCH_TERMS_MAX terms, each a
 * non-empty run of word bytes inside the query (a prefix of at least two
 * characters), or refused with CRM_EINVAL and a reason; the search itself
 * answers with hits or CRM_EINVAL, never another error, and never with
 * words of the index's own (an FTS5 or SQLite message).
 */
#include <crm.h>

#include "fuzz.h"
#include "internal/search.h"

static int word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           c >= 0x80;
}

static crm_db *db;

static void close_db(void)
{
    crm_close(db);
    db = NULL;
}

/* One handle for the whole run, with a little to find; closed at exit, so
 * that a leak checker sees nothing left. */
static crm_db *database(void)
{
    if (db)
        return db;
    if (crm_open(&db, ":memory:", NULL) != CRM_OK)
        abort();
    atexit(close_db);
    crm_customer *c = NULL;
    if (crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Jürgen Müller") != CRM_OK)
        abort();
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = crm_customer_id(c);
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_IN;
    s.summary = "near AND or NOT: \"quoted\" col:x";
    s.body = "Das Paket kam nicht an; customer care called back.";
    if (crm_interaction_log(NULL, db, &s) != CRM_OK)
        abort();
    crm_customer_free(c);
    return db;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    if (!text)
        return 0;
    size_t len = strlen(text);
    crm__search_query q;
    const char *why = NULL;
    int rc = crm__search_parse(&q, text, &why);
    if (rc == CRM_OK) {
        FUZZ_ASSERT(q.n >= 1 && q.n <= CRM_SEARCH_TERMS_MAX, "%zu terms", q.n);
        FUZZ_ASSERT(len <= CRM_SEARCH_QUERY_MAX, "a query of %zu bytes accepted", len);
        for (size_t i = 0; i < q.n; i++) {
            const crm__text_term *t = &q.terms[i];
            FUZZ_ASSERT(t->len > 0 && t->word >= text && t->word + t->len <= text + len,
                        "term %zu is not inside the query", i);
            for (size_t j = 0; j < t->len; j++)
                FUZZ_ASSERT(word_byte((unsigned char)t->word[j]), "term %zu has byte 0x%02x", i,
                            (unsigned char)t->word[j]);
            FUZZ_ASSERT(i > 0 || !t->phrase, "the first term continues a phrase");
            if (t->prefix)
                FUZZ_ASSERT(t->word[t->len] == '*' && t->len >= 2, "prefix term %zu", i);
        }
    } else {
        FUZZ_ASSERT(rc == CRM_EINVAL && why && *why, "parse gave %d", rc);
    }

    crm_db *db = database();
    crm_search_hit_cursor *cur = NULL;
    int src = crm_search_hit_list_open(&cur, db, text, NULL);
    FUZZ_ASSERT(src == rc, "the search gave %s where the parser gave %s: %s", crm_errname(src),
                crm_errname(rc), crm_errmsg(db));
    if (src == CRM_OK) {
        const crm_search_hit *h;
        int n = 0;
        while ((src = crm_search_hit_cursor_next(cur, &h)) == CRM_ROW)
            n++;
        FUZZ_ASSERT(src == CRM_DONE && n <= CRM_SEARCH_LIMIT_DEFAULT, "walk: %s",
                    crm_errmsg(db));
        crm_search_hit_cursor_free(cur);
    } else {
        const char *m = crm_errmsg(db);
        FUZZ_ASSERT(!strstr(m, "fts5") && !strstr(m, "syntax") && !strstr(m, "SQL"),
                    "message: %s", m);
    }
    free(text);
    return 0;
}
