/*
 * libcrm - finding the customer a text names: what a caller typed into a
 * kiosk, keyed into an IVR or gave an agent. The text's form says what it
 * can be (an id, a phone number, an e-mail address, a social handle, an
 * account or loyalty number); each possibility is one probe of an index,
 * all of them in one statement. The rules are written in docs/api.md.
 */
#include <stdio.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/customer.h"
#include "internal/handle.h"
#include "internal/identity.h"
#include "internal/merge.h"
#include "internal/util.h"
#include "store/store.h"

/* The identity kinds a text is tried as: at most one chosen by its form,
 * then these two, whatever its form. */
#define MAX_KINDS 3

/* What a text is tried as: an id, or up to MAX_KINDS identities, each
 * kind with its key or, when the text is not a value of the kind, why
 * not (for the message of a failure, which alone needs the words). */
typedef struct guess {
    char text[CRM_IDENTITY_MAX + 1]; /* without the white space around it */
    bool is_id;
    crm__uuid id;
    int n;
    const char *kind[MAX_KINDS];
    char *key[MAX_KINDS];    /* NULL: not looked for */
    const char *why[MAX_KINDS];
} guess;

/* The canonical text form of an id, 8-4-4-4-12 with dashes: its digits are
 * crm__uuid_parse()'s to check, so a mistyped id is said to be one. */
static bool looks_like_id(const char *s)
{
    if (strlen(s) != CRM_ID_LEN)
        return false;
    for (int i = 0; i < CRM_ID_LEN; i++)
        if ((s[i] == '-') != (i == 8 || i == 13 || i == 18 || i == 23))
            return false;
    return true;
}

/* Digits and the punctuation people put in phone numbers, with enough
 * digits to be one: "1234" is a PIN or an account number, not a phone. */
static bool looks_like_phone(const char *s)
{
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr("+()-. /", *p))
            return false;
    }
    return digits >= 5;
}

/* "network:handle": a colon with something on both sides, before any @. */
static bool looks_like_social(const char *s)
{
    const char *colon = strchr(s, ':'), *at = strchr(s, '@');
    return colon && colon > s && colon[1] && (!at || colon < at);
}

static bool looks_like_email(const char *s)
{
    const char *at = strchr(s, '@');
    return at && at > s && at[1] && !looks_like_social(s);
}

/* The words for what g tried ("phone +14155550100, account, loyalty"),
 * each key shown when it is not the text itself. */
static void tried_text(crm_db *db, const guess *g, char *buf, size_t size)
{
    char q[CRM__QUOTE_SIZE];
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < g->n && len < size; i++) {
        const char *sep = i ? ", " : "";
        int w;
        if (!g->key[i])
            w = snprintf(buf + len, size - len, "%s%s (%s)", sep, g->kind[i], g->why[i]);
        else if (strcmp(g->key[i], g->text) != 0)
            w = snprintf(buf + len, size - len, "%s%s %s", sep, g->kind[i],
                         crm__pquote(db, q, sizeof q, g->key[i]));
        else
            w = snprintf(buf + len, size - len, "%s%s", sep, g->kind[i]);
        len += w > 0 ? (size_t)w : 0;
    }
}

static void guess_free(guess *g)
{
    for (int i = 0; i < g->n; i++)
        crm__free(g->key[i]);
    g->n = 0;
}

/* Read text into *g: an id, or the identities it may be. CRM_OK, or
 * CRM_EINVAL (a text that can name no one) or CRM_ENOMEM. */
static int make_guess(crm_db *db, const char *text, guess *g)
{
    memset(g, 0, sizeof *g);
    int rc = crm__check_text(db, "text", text, 1, CRM_IDENTITY_MAX, CRM__TEXT_NO_CONTROL);
    if (rc)
        return rc;
    while (crm__is_space(*text))
        text++;
    size_t n = strlen(text);
    while (n > 0 && crm__is_space(text[n - 1]))
        n--;
    if (n == 0)
        return crm__error(db, CRM_EINVAL, "text is blank: give an id, phone number, e-mail "
                          "address, network:handle, account or loyalty number");
    memcpy(g->text, text, n);
    g->text[n] = '\0';
    if (looks_like_id(g->text)) {
        char q[CRM__QUOTE_SIZE];
        g->is_id = true;
        if (crm__uuid_parse(&g->id, g->text) != 0)
            return crm__error(db, CRM_EINVAL,
                              "text '%s' has the form of an id but is not one (an id is 32 "
                              "hex digits, 8-4-4-4-12, such as "
                              "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b)",
                              crm__pquote(db, q, sizeof q, g->text));
        return CRM_OK;
    }
    const char *kinds[MAX_KINDS + 1] = { NULL };
    int k = 0;
    if (looks_like_phone(g->text))
        kinds[k++] = "phone";
    else if (looks_like_email(g->text))
        kinds[k++] = "email";
    else if (looks_like_social(g->text))
        kinds[k++] = "social";
    kinds[k++] = "account";
    kinds[k++] = "loyalty";
    for (int i = 0; i < k; i++) {
        char *key = NULL;
        const char *why = NULL;
        rc = crm__identity_key(db, kinds[i], g->text, &key, &why);
        if (rc == CRM_EINVAL) {
            /* Not a value of the kind (a national number without a
             * default country): said so, and not looked for. */
            crm__clear_error(db);
            key = NULL;
        } else if (rc) {
            guess_free(g);
            return rc;
        }
        g->kind[g->n] = kinds[i];
        g->why[g->n] = why;
        g->key[g->n++] = key;
    }
    return CRM_OK;
}

/* Bind each kind g looks for and its key, in order, from parameter p on;
 * the pairs left over are NULL. */
static void bind_pairs(crm__st *st, const guess *g, int p)
{
    int end = p + 2 * MAX_KINDS;
    for (int i = 0; i < g->n; i++) {
        if (!g->key[i])
            continue;
        crm__bind_text(st, p++, g->kind[i]);
        crm__bind_text(st, p++, g->key[i]);
    }
    for (; p < end; p++)
        crm__bind_null(st, p);
}

/* Bind g to the parameters of CRM__Q_RESOLVE: the id, then the pairs. */
static void bind_guess(crm__st *st, const guess *g)
{
    crm__bind_id(st, 1, g->is_id ? &g->id : NULL);
    bind_pairs(st, g, 2);
}

/* The number of customers g names, in *found: each once however many
 * kinds name it. */
static int count_named(crm_db *db, const guess *g, int *found)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_RESOLVE, &st);
    if (rc)
        return rc;
    bind_guess(st, g);
    *found = 0;
    while ((rc = crm__st_step(st, "finding a customer")) == CRM_ROW)
        ++*found;
    return rc == CRM_DONE ? CRM_OK : rc;
}

int crm_customer_resolve(crm_customer **out, crm_db *db, const char *text)
{
    CRM__ENTER(db);
    guess g;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = make_guess(db, text, &g);
    if (rc)
        return rc;
    char q[CRM__QUOTE_SIZE], tried[MAX_KINDS * (CRM__QUOTE_SIZE + 64)];
    crm_customer *c = NULL;
    crm__uuid first;
    int found = 0;
    /* The rows of every probe as they come, a customer once per kind
     * that names it: one customer, however often, is the answer; the
     * first other ends the walk, and the customers are then counted. */
    {
        CRM__ST(st);
        rc = crm__st_get(db, g.is_id ? CRM__Q_CUSTOMER_GET : CRM__Q_RESOLVE_ROWS, &st);
        if (rc == CRM_OK) {
            if (g.is_id)
                crm__bind_id(st, 1, &g.id);
            else
                bind_pairs(st, &g, 1);
            rc = crm__st_step(st, "finding a customer");
        }
        /* Only an id names an erased customer (an erase removes its
         * identities), and it answers as crm_customer_get() does. */
        if (rc == CRM_ROW && g.is_id && !crm__col_null(st, 7))
            rc = crm__customer_erased(db, &g.id, crm__col_int(st, 7));
        if (rc == CRM_ROW) {
            found = 1;
            rc = crm__customer_from_row(&c, st, 0);
            if (rc)
                rc = crm__error(db, rc, "out of memory finding a customer");
            else if (!crm__col_uuid(&first, st, 0))
                rc = crm__corrupt_id(db, "finding a customer");
            else
                rc = crm__st_step(st, "finding a customer");
        }
        while (rc == CRM_ROW) {
            crm__uuid next;
            if (!crm__col_uuid(&next, st, 0)) {
                rc = crm__corrupt_id(db, "finding a customer");
            } else if (memcmp(next.b, first.b, sizeof first.b) != 0) {
                /* Counted while this statement holds the snapshot it read. */
                rc = count_named(db, &g, &found);
                if (rc == CRM_OK)
                    rc = CRM_DONE;
            } else {
                rc = crm__st_step(st, "finding a customer");
            }
        }
    }
    if (rc == CRM_DONE)
        rc = CRM_OK;
    /* An id merged into another answers with the survivor, which says so. */
    if (rc == CRM_OK && found == 0 && g.is_id) {
        CRM__ST(st);
        rc = crm__merge_follow(db, &g.id, &st);
        if (rc == CRM_ROW && !crm__col_null(st, 7)) {
            crm__uuid survivor;
            crm__col_uuid(&survivor, st, 0);
            rc = crm__customer_erased(db, &survivor, crm__col_int(st, 7));
        }
        if (rc == CRM_ROW) {
            found = 1;
            rc = crm__customer_from_row(&c, st, 0);
            if (rc)
                rc = crm__error(db, rc, "out of memory finding a customer");
            else
                crm__customer_set_merged_from(c, &g.id);
        } else if (rc == CRM_DONE) {
            rc = CRM_OK;
        }
    }
    if (rc == CRM_OK && found == 0 && g.is_id) {
        char id[CRM_ID_LEN + 1];
        crm__uuid_format(id, g.id.b);
        rc = crm__error(db, CRM_ENOTFOUND, "no customer has id %s", id);
    } else if (rc == CRM_OK && found == 0) {
        tried_text(db, &g, tried, sizeof tried);
        rc = crm__error(db, CRM_ENOTFOUND, "no customer is '%s' (not an id; tried %s)",
                        crm__pquote(db, q, sizeof q, g.text), tried);
    } else if (rc == CRM_OK && found > 1) {
        tried_text(db, &g, tried, sizeof tried);
        rc = crm__error(db, CRM_EAMBIGUOUS,
                        "'%s' names %d customers (tried %s): list them to choose one",
                        crm__pquote(db, q, sizeof q, g.text), found, tried);
    }
    guess_free(&g);
    if (rc) {
        crm_customer_free(c);
        return rc;
    }
    *out = c;
    return CRM_OK;
}

int crm_customer_resolve_open(crm_customer_cursor **out, crm_db *db, const char *text)
{
    CRM__ENTER(db);
    guess g;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = make_guess(db, text, &g);
    if (rc)
        return rc;
    crm_customer_cursor *cur;
    const char *what = "listing the customers a text names";
    rc = crm__customer_list_new(&cur, db, CRM__Q_RESOLVE_LIST, what);
    if (rc == CRM_OK) {
        bind_guess(((crm__cursor *)cur)->st, &g);
        rc = crm__cursor_bound((void **)out, cur, what);
    }
    guess_free(&g);
    return rc;
}
