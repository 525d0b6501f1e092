/*
 * libcrm - finding the customer a text names: what a caller typed into a
 * kiosk, keyed into an IVR or gave an agent. The text's form says what it
 * can be (an id, a phone number, an e-mail address, a social handle, an
 * account or loyalty number); each possibility is one probe of an index,
 * all of them in one statement. The rules are written in docs/api.md.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* The identity kinds a text is tried as: at most one chosen by its form,
 * then these two, whatever its form. */
#define MAX_KINDS 3

/* What a text is tried as: an id, or up to MAX_KINDS identities; and the
 * words saying so, for a message. */
typedef struct guess {
    char text[CRM_IDENTITY_MAX + 1]; /* without the white space around it */
    bool is_id;
    crm__uuid id;
    int n;
    const char *kind[MAX_KINDS];
    char *key[MAX_KINDS];
    char tried[MAX_KINDS * (CRM__QUOTE_SIZE + 64)];
} guess;

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

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

static void tried_add(crm_db *db, guess *g, const char *kind, const char *key, const char *why)
{
    char q[CRM__QUOTE_SIZE];
    size_t len = strlen(g->tried);
    const char *sep = len ? ", " : "";
    /* The key is what was compared: shown when it is not the text itself. */
    if (why)
        snprintf(g->tried + len, sizeof g->tried - len, "%s%s (%s)", sep, kind, why);
    else if (strcmp(key, g->text) != 0)
        snprintf(g->tried + len, sizeof g->tried - len, "%s%s %s", sep, kind,
                 crm__pquote(db, q, sizeof q, key));
    else
        snprintf(g->tried + len, sizeof g->tried - len, "%s%s", sep, kind);
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
    while (is_space(*text))
        text++;
    size_t n = strlen(text);
    while (n > 0 && is_space(text[n - 1]))
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
            tried_add(db, g, kinds[i], NULL, why);
            continue;
        }
        if (rc) {
            guess_free(g);
            return rc;
        }
        tried_add(db, g, kinds[i], key, NULL);
        g->kind[g->n] = kinds[i];
        g->key[g->n++] = key;
    }
    return CRM_OK;
}

static void bind_guess(crm__st *st, const guess *g)
{
    crm__bind_id(st, 1, g->is_id ? &g->id : NULL);
    for (int i = 0; i < MAX_KINDS; i++) {
        crm__bind_text(st, 2 + 2 * i, i < g->n ? g->kind[i] : NULL);
        crm__bind_text(st, 3 + 2 * i, i < g->n ? g->key[i] : NULL);
    }
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
    char q[CRM__QUOTE_SIZE];
    crm_customer *c = NULL;
    int found = 0;
    CRM__ST(st);
    rc = crm__st_get(db, CRM__Q_RESOLVE, &st);
    if (rc == CRM_OK) {
        bind_guess(st, &g);
        rc = crm__st_step(st, "finding a customer");
    }
    if (rc == CRM_ROW) {
        found = 1;
        rc = crm__customer_from_row(&c, st, 0);
        if (rc)
            rc = crm__error(db, rc, "out of memory finding a customer");
        else
            rc = crm__st_step(st, "finding a customer");
    }
    /* Several customers: none of them is the answer. */
    while (rc == CRM_ROW) {
        found++;
        rc = crm__st_step(st, "finding a customer");
    }
    if (rc == CRM_DONE && found == 0 && g.is_id) {
        char id[CRM_ID_LEN + 1];
        crm__uuid_format(id, g.id.b);
        rc = crm__error(db, CRM_ENOTFOUND, "no customer has id %s", id);
    } else if (rc == CRM_DONE && found == 0) {
        rc = crm__error(db, CRM_ENOTFOUND, "no customer is '%s' (not an id; tried %s)",
                        crm__pquote(db, q, sizeof q, g.text), g.tried);
    } else if (rc == CRM_DONE && found > 1) {
        rc = crm__error(db, CRM_EAMBIGUOUS,
                        "'%s' names %d customers (tried %s): list them to choose one",
                        crm__pquote(db, q, sizeof q, g.text), found, g.tried);
    } else if (rc == CRM_DONE) {
        rc = CRM_OK;
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
