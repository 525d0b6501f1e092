/*
 * libcrm - confirming who is there: an answer compared with what only the
 * customer knows, and the wrong answers counted in the file.
 */
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/customer.h"
#include "internal/handle.h"
#include "internal/journal.h"
#include "internal/util.h"
#include "store/store.h"

static int all_space(const char *s)
{
    while (*s && crm__is_space(*s))
        s++;
    return *s == '\0';
}

/* The answer is what a stranger may have typed: its checks say what is
 * wrong with it and never quote it, whatever the open options. */
static int check_answer(crm_db *db, const char *answer)
{
    if (!answer)
        return crm__error(db, CRM_EINVAL, "answer is NULL");
    size_t len = strlen(answer);
    if (len == 0)
        return crm__error(db, CRM_EINVAL, "answer is empty");
    /* Spaces do not count, so spaces alone are no answer either. */
    if (all_space(answer))
        return crm__error(db, CRM_EINVAL, "answer is empty: it has only spaces");
    if (len > CRM_ATTR_VALUE_MAX)
        return crm__error(db, CRM_EINVAL, "answer is %zu bytes long, more than the limit of %d",
                          len, CRM_ATTR_VALUE_MAX);
    if (!crm__utf8_valid(answer, len))
        return crm__error(db, CRM_EINVAL, "answer is not valid UTF-8");
    return CRM_OK;
}

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Whether a and b are equal once ASCII whitespace is left out and ASCII
 * case folded. Every byte of the stored value is read and compared whatever
 * differs first, so the time tells an attacker the stored value's length
 * at most, never how much of it they have right. */
static int same_answer(const char *stored, const char *answer)
{
    const unsigned char *s = (const unsigned char *)stored, *a = (const unsigned char *)answer;
    unsigned int diff = 0;
    for (;; s++) {
        while (*a && crm__is_space((char)*a))
            a++;
        if (!*s)
            break;
        if (crm__is_space((char)*s))
            continue;
        /* Past the answer's end, its NUL stands in and differs. */
        diff |= (unsigned int)(fold(*s) ^ fold(*a)) | (unsigned int)(*a == 0);
        a += *a != 0;
    }
    return (diff | (unsigned int)*a) == 0;
}

/* The customer's count of wrong answers: *failures 0 when none. */
typedef struct verify_state {
    int64_t failures, first_at, locked_until; /* locked_until CRM_TIME_NONE: none */
} verify_state;

static int read_state(crm_db *db, const crm__uuid *cid, verify_state *v)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_VERIFY_STATE, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, cid);
    rc = crm__st_step(st, "reading the wrong answers counted");
    v->failures = 0;
    v->first_at = v->locked_until = CRM_TIME_NONE;
    if (rc == CRM_ROW) {
        v->failures = crm__col_int(st, 0);
        v->first_at = crm__col_int(st, 1);
        if (!crm__col_null(st, 2))
            v->locked_until = crm__col_int(st, 2);
    }
    return rc == CRM_ROW || rc == CRM_DONE ? CRM_OK : rc;
}

static int write_state(crm_db *db, const crm__uuid *cid, const verify_state *v)
{
    CRM__ST(st);
    int rc = crm__st_get(db, v->failures ? CRM__Q_VERIFY_FAIL : CRM__Q_VERIFY_CLEAR, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, cid);
    if (v->failures) {
        crm__bind_int(st, 2, v->failures);
        crm__bind_int(st, 3, v->first_at);
        crm__bind_time(st, 4, v->locked_until);
    }
    return crm__st_run(st, "counting a wrong answer");
}

/* The customer's attribute key, or CRM_ENOTFOUND naming the key only. */
static int read_stored(crm_db *db, const crm__uuid *cid, const char *id, const char *key,
                       char **out)
{
    int rc = crm__attr_read(db, cid, key, out);
    if (rc == CRM_OK && !*out)
        rc = crm__error(db, CRM_ENOTFOUND,
                        "customer %s has no attribute '%s' to compare the answer with", id, key);
    return rc;
}

/* What a wrong answer at now makes of the count. */
static void count_failure(verify_state *v, int64_t now)
{
    /* A count whose first is out of the window, or that ended in a lock
     * now passed, starts afresh. */
    if (v->failures == 0 || v->locked_until != CRM_TIME_NONE ||
        now - v->first_at >= CRM_VERIFY_WINDOW_MS) {
        v->failures = 0;
        v->first_at = now;
        v->locked_until = CRM_TIME_NONE;
    }
    v->failures++;
    if (v->failures >= CRM_VERIFY_MAX_FAILURES)
        v->locked_until = now + CRM_VERIFY_WINDOW_MS;
}

int crm_customer_verify(int *out, crm_db *db, const char *customer_id, const char *key,
                        const char *answer)
{
    CRM__ENTER(db);
    crm__uuid cid;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_id(db, "customer id", customer_id, &cid);
    if (rc == CRM_OK)
        rc = crm__check_code(db, "attribute key", key, CRM_ATTR_KEY_MAX);
    if (rc == CRM_OK)
        rc = check_answer(db, answer);
    if (rc)
        return rc;
    char ctext[CRM_ID_LEN + 1], *stored = NULL;
    crm__uuid_format(ctext, cid.b);
    verify_state v = { 0, CRM_TIME_NONE, CRM_TIME_NONE };
    int matched = 0, unchanged = 0;
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    int64_t now = crm__now(db);
    rc = crm__customer_find(db, &cid, customer_id, NULL, NULL);
    if (rc == CRM_OK)
        rc = read_state(db, &cid, &v);
    if (rc == CRM_OK && v.locked_until != CRM_TIME_NONE && now < v.locked_until) {
        char t[CRM__TIME_TEXT_SIZE];
        rc = crm__error(db, CRM_ESTATE,
                        "customer %s is locked after %lld wrong answers until %s (UTC): no "
                        "answer is compared before then",
                        ctext, (long long)v.failures, crm__time_text(t, v.locked_until));
    }
    if (rc == CRM_OK)
        rc = read_stored(db, &cid, ctext, key, &stored);
    if (rc == CRM_OK) {
        /* A stored value of spaces only (or none) is nothing the customer
         * knows: no answer matches it. */
        matched = !all_space(stored) && same_answer(stored, answer);
        /* A right answer with no wrong one counted changes nothing: it
         * writes and journals nothing (as a change to the value a record
         * already has). */
        unchanged = matched && v.failures == 0;
        if (matched)
            v.failures = 0;
        else
            count_failure(&v, now);
        if (!unchanged)
            rc = write_state(db, &cid, &v);
    }
    if (rc == CRM_OK && !unchanged) {
        crm__jfield f[] = { CRM__JTEXT("key", key), CRM__JINT("matched", matched),
                            CRM__JINT("failures", v.failures),
                            CRM__JINT("locked_until", v.locked_until) };
        /* locked_until only when this answer locked the customer. */
        int n = v.failures >= CRM_VERIFY_MAX_FAILURES ? 4 : 3;
        rc = crm__journal(db, "customer", &cid, "verify", f, n);
    }
    crm__free(stored);
    rc = crm__write_end(db, rc);
    if (rc == CRM_OK)
        *out = matched;
    return rc;
}
