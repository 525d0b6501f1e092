/*
 * libcrm - consent: a ledger of grants and withdrawals per purpose and
 * channel, and the answer it gives to "may we contact this customer?".
 */
#include <stdio.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/channel.h"
#include "internal/check.h"
#include "internal/customer.h"
#include "internal/handle.h"
#include "internal/journal.h"
#include "internal/util.h"
#include "store/store.h"

struct crm_consent {
    char id[CRM_ID_LEN + 1], customer_id[CRM_ID_LEN + 1];
    char interaction_id[CRM_ID_LEN + 1]; /* "" when none */
    int granted;
    int64_t at, recorded_at;
    /* Point just past the struct in an owned record, into the cursor's
     * texts in a cursor's row. channel and note are NULL when none. */
    const char *purpose, *channel, *actor, *note;
};

const char *crm_consent_id(const crm_consent *c) { return c ? c->id : NULL; }
const char *crm_consent_customer_id(const crm_consent *c) { return c ? c->customer_id : NULL; }
const char *crm_consent_purpose(const crm_consent *c) { return c ? c->purpose : NULL; }
const char *crm_consent_channel(const crm_consent *c) { return c ? c->channel : NULL; }
int crm_consent_is_granted(const crm_consent *c) { return c ? c->granted : 0; }
int64_t crm_consent_at(const crm_consent *c) { return c ? c->at : CRM_TIME_NONE; }
const char *crm_consent_actor(const crm_consent *c) { return c ? c->actor : NULL; }
const char *crm_consent_interaction_id(const crm_consent *c)
{
    return c && c->interaction_id[0] ? c->interaction_id : NULL;
}
const char *crm_consent_note(const crm_consent *c) { return c ? c->note : NULL; }
int64_t crm_consent_recorded_at(const crm_consent *c) { return c ? c->recorded_at : CRM_TIME_NONE; }

void crm_consent_free(crm_consent *c)
{
    crm__free(c);
}

/* A zeroed record with its own copies of the texts, in one allocation;
 * channel and note may be NULL. */
static crm_consent *consent_new(const char *purpose, const char *channel, const char *actor,
                                const char *note)
{
    const char *src[4] = { purpose, channel, actor, note };
    size_t len[4], total = 0;
    for (int i = 0; i < 4; i++) {
        len[i] = src[i] ? strlen(src[i]) + 1 : 0;
        total += len[i];
    }
    crm_consent *c = crm__malloc(sizeof *c + total);
    if (!c)
        return NULL;
    memset(c, 0, sizeof *c);
    const char *dst[4] = { NULL, NULL, NULL, NULL };
    char *p = (char *)(c + 1);
    for (int i = 0; i < 4; i++) {
        if (!src[i])
            continue;
        memcpy(p, src[i], len[i]);
        dst[i] = p;
        p += len[i];
    }
    c->purpose = dst[0];
    c->channel = dst[1];
    c->actor = dst[2];
    c->note = dst[3];
    return c;
}

int crm_consent_dup(crm_consent **out, const crm_consent *c)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    if (!c)
        return crm__null_arg(__func__, "the consent event");
    crm_consent *d = consent_new(c->purpose, c->channel, c->actor, c->note);
    if (!d)
        return crm__thread_error(CRM_ENOMEM, "%s: out of memory copying the consent event",
                                 __func__);
    memcpy(d->id, c->id, sizeof d->id);
    memcpy(d->customer_id, c->customer_id, sizeof d->customer_id);
    memcpy(d->interaction_id, c->interaction_id, sizeof d->interaction_id);
    d->granted = c->granted;
    d->at = c->at;
    d->recorded_at = c->recorded_at;
    *out = d;
    return CRM_OK;
}

/* ---- checks --------------------------------------------------------------- */

static int check_purpose(crm_db *db, const char *purpose)
{
    return crm__check_kind_name(db, "purpose", purpose);
}

/* A channel word, well formed: built in, or a custom channel's name,
 * which an event may be the first to use (as an interaction may). */
static int check_channel_word(crm_db *db, const char *channel)
{
    return channel ? crm__check_kind_name(db, "channel", channel) : CRM_OK;
}

/* The number of channel word, or -1 (no channel's) while nothing has used
 * it: then no event is on it, and only every-channel events speak for it. */
static int channel_code(crm_db *db, const char *channel, int64_t *code)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_CHANNEL_CODE, &st);
    if (rc)
        return rc;
    crm__bind_text(st, 1, channel);
    rc = crm__st_step(st, "reading a channel");
    *code = rc == CRM_ROW ? crm__col_int(st, 0) : -1;
    return rc == CRM_ROW || rc == CRM_DONE ? CRM_OK : rc;
}

static int check_spec(crm_db *db, const crm_consent_spec *s, crm__uuid *cid, crm__uuid *iid)
{
    if (!s)
        return crm__error(db, CRM_EINVAL, "the consent spec is NULL");
    if (s->version < 1 || s->version > CRM_CONSENT_SPEC_VERSION)
        return crm__error(db, CRM_EINVAL,
                          "crm_consent_spec.version is %u; this libcrm knows versions 1 to %d",
                          s->version, CRM_CONSENT_SPEC_VERSION);
    int rc = crm__check_id(db, "customer id", s->customer_id, cid);
    if (rc == CRM_OK)
        rc = check_purpose(db, s->purpose);
    if (rc == CRM_OK)
        rc = check_channel_word(db, s->channel);
    if (rc == CRM_OK)
        rc = crm__check_time_opt(db, "at", s->at);
    if (rc == CRM_OK && s->interaction_id)
        rc = crm__check_id(db, "interaction id", s->interaction_id, iid);
    if (rc == CRM_OK && s->note)
        rc = crm__check_text(db, "note", s->note, 1, CRM_CONSENT_NOTE_MAX, CRM__TEXT_NO_CONTROL);
    return rc;
}

/* The interaction must exist and be the customer's own. */
static int check_interaction(crm_db *db, const crm__uuid *iid, const crm__uuid *cid)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_CONSENT_INTERACTION, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, iid);
    rc = crm__st_step(st, "reading an interaction");
    char itext[CRM_ID_LEN + 1], ctext[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    crm__uuid_format(itext, iid->b);
    if (rc == CRM_DONE)
        return crm__error(db, CRM_ENOTFOUND, "no interaction has id %s", itext);
    if (rc != CRM_ROW)
        return rc;
    crm__uuid owner;
    if (!crm__col_uuid(&owner, st, 0))
        return crm__corrupt_id(db, "reading an interaction");
    if (memcmp(owner.b, cid->b, 16) != 0) {
        crm__uuid_format(other, owner.b);
        crm__uuid_format(ctext, cid->b);
        return crm__error(db, CRM_EINVAL,
                          "interaction id %s belongs to customer %s, not to customer %s whose "
                          "consent this is",
                          itext, other, ctext);
    }
    return CRM_OK;
}

/* ---- recording ---------------------------------------------------------- */

static int record(crm_consent **out, crm_db *db, const crm_consent_spec *spec, int granted)
{
    crm__uuid cid, iid, id;
    int rc = check_spec(db, spec, &cid, &iid);
    if (rc)
        return rc;
    crm_consent *rec = out ? consent_new(spec->purpose, spec->channel, db->actor, spec->note)
                           : NULL;
    if (out && !rec)
        return crm__error(db, CRM_ENOMEM, "out of memory recording consent");
    int64_t now = 0, at = 0, code = 0;
    rc = crm__write_begin(db);
    if (rc == CRM_OK) {
        now = crm__now(db);
        at = spec->at == CRM_TIME_NONE ? now : spec->at;
        if (at > now) {
            char a[CRM__TIME_TEXT_SIZE], b[CRM__TIME_TEXT_SIZE];
            rc = crm__error(db, CRM_EINVAL,
                            "at %lld (%s) is in the future: it is %lld (%s) now, and consent is "
                            "recorded once the customer gave or withdrew it",
                            (long long)at, crm__time_text(a, at), (long long)now,
                            crm__time_text(b, now));
        }
        /* The customer is read first, so that a missing one is the error
         * reported before a channel or an interaction it cannot own. */
        if (rc == CRM_OK)
            rc = crm__customer_find(db, &cid, spec->customer_id, NULL, NULL);
        if (rc == CRM_OK && spec->interaction_id)
            rc = check_interaction(db, &iid, &cid);
        /* Keeping a new channel's name is a change: after every refusal. */
        if (rc == CRM_OK && spec->channel)
            rc = crm__channel_keep(db, spec->channel, &code);
        if (rc == CRM_OK) {
            crm__new_id(db, &id, &now);
            CRM__ST(st);
            rc = crm__st_get(db, CRM__Q_CONSENT_INSERT, &st);
            if (rc == CRM_OK) {
                crm__bind_id(st, 1, &id);
                crm__bind_id(st, 2, &cid);
                crm__bind_text(st, 3, spec->purpose);
                if (spec->channel)
                    crm__bind_int(st, 4, code);
                else
                    crm__bind_null(st, 4);
                crm__bind_int(st, 5, granted);
                crm__bind_int(st, 6, at);
                crm__bind_text(st, 7, db->actor);
                crm__bind_id(st, 8, spec->interaction_id ? &iid : NULL);
                crm__bind_text(st, 9, spec->note ? spec->note : "");
                rc = crm__customer_insert_owned(db, st, &cid, "recording consent");
            }
        }
        if (rc == CRM_OK) {
            char ktext[CRM_ID_LEN + 1], itext[CRM_ID_LEN + 1];
            crm__uuid_format(ktext, id.b);
            if (spec->interaction_id)
                crm__uuid_format(itext, iid.b);
            /* The note is free text the customer may have dictated: the
             * journal keeps what the event decides, never what it says. */
            crm__jfield f[] = { CRM__JTEXT("consent_id", ktext),
                                CRM__JTEXT("purpose", spec->purpose),
                                CRM__JOPT("channel", spec->channel), CRM__JINT("at", at),
                                CRM__JOPT("interaction_id", spec->interaction_id ? itext : NULL) };
            rc = CRM__JOURNAL(db, "consent", &cid, granted ? "grant" : "withdraw", f);
        }
        rc = crm__write_end(db, rc);
    }
    if (rc) {
        crm__free(rec);
        return rc;
    }
    if (rec) {
        crm__uuid_format(rec->id, id.b);
        crm__uuid_format(rec->customer_id, cid.b);
        if (spec->interaction_id)
            crm__uuid_format(rec->interaction_id, iid.b);
        rec->granted = granted;
        rec->at = at;
        rec->recorded_at = crm__uuid_ms(id.b);
        *out = rec;
    }
    return CRM_OK;
}

int crm_consent_grant(crm_consent **out, crm_db *db, const crm_consent_spec *spec)
{
    CRM__ENTER(db);
    return record(out, db, spec, 1);
}

int crm_consent_withdraw(crm_consent **out, crm_db *db, const crm_consent_spec *spec)
{
    CRM__ENTER(db);
    return record(out, db, spec, 0);
}

/* ---- reading ---------------------------------------------------------------- */

/* Fill c's fixed fields from a row of an event's columns; the texts are
 * the caller's. */
static int consent_fields(crm_db *db, crm_consent *c, crm__st *st)
{
    crm__uuid id;
    if (!crm__col_uuid(&id, st, 0) || !crm__col_id(c->customer_id, st, 1))
        return crm__corrupt_id(db, "reading a consent event");
    crm__uuid_format(c->id, id.b);
    c->recorded_at = crm__uuid_ms(id.b);
    c->granted = (int)crm__col_int(st, 4);
    c->at = crm__col_int(st, 5);
    c->interaction_id[0] = '\0';
    if (!crm__col_null(st, 7) && !crm__col_id(c->interaction_id, st, 7))
        return crm__corrupt_id(db, "reading a consent event");
    return CRM_OK;
}

/* The deciding event of purpose on channel for the customer: *found, and
 * st left on its row (granted, id); with none, that the customer and the
 * channel exist is read, so that no event is told from a wrong argument. */
static int decide(crm_db *db, crm__st **st, const char *customer_id, const char *purpose,
                  const char *channel, const void *out, bool *found)
{
    crm__uuid cid;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_id(db, "customer id", customer_id, &cid);
    if (rc == CRM_OK)
        rc = check_purpose(db, purpose);
    if (rc == CRM_OK)
        rc = check_channel_word(db, channel);
    if (rc == CRM_OK)
        rc = crm__st_get(db, CRM__Q_CONSENT_CHECK, st);
    if (rc)
        return rc;
    crm__bind_id(*st, 1, &cid);
    crm__bind_text(*st, 2, purpose);
    crm__bind_text(*st, 3, channel);
    rc = crm__st_step(*st, "checking consent");
    if (rc == CRM_ROW) {
        *found = true;
        return CRM_OK;
    }
    if (rc != CRM_DONE)
        return rc;
    *found = false;
    CRM__ST(known);
    rc = crm__st_get(db, CRM__Q_CONSENT_KNOWN, &known);
    if (rc)
        return rc;
    crm__bind_id(known, 1, &cid);
    rc = crm__st_step(known, "checking consent");
    if (rc == CRM_DONE)
        return crm__error(db, CRM_ERROR, "checking consent: no result");
    if (rc != CRM_ROW)
        return rc;
    if (!crm__col_int(known, 0)) {
        char ctext[CRM_ID_LEN + 1];
        crm__uuid_format(ctext, cid.b);
        return crm__error(db, CRM_ENOTFOUND, "no customer has id %s", ctext);
    }
    return CRM_OK;
}

int crm_consent_check(int *out, crm_db *db, const char *customer_id, const char *purpose,
                      const char *channel)
{
    CRM__ENTER(db);
    CRM__ST(st);
    bool found = false;
    int rc = decide(db, &st, customer_id, purpose, channel, out, &found);
    if (rc)
        return rc;
    *out = found && crm__col_int(st, 0) == 1;
    return CRM_OK;
}

int crm_consent_latest(crm_consent **out, crm_db *db, const char *customer_id,
                       const char *purpose, const char *channel)
{
    CRM__ENTER(db);
    /* Held on its row while the event is read: one snapshot. */
    CRM__ST(st);
    bool found = false;
    int rc = decide(db, &st, customer_id, purpose, channel, out, &found);
    if (rc)
        return rc;
    if (!found) {
        *out = NULL;
        return CRM_OK;
    }
    crm__uuid id;
    if (!crm__col_uuid(&id, st, 1))
        return crm__corrupt_id(db, "checking consent");
    CRM__ST(ev);
    rc = crm__st_get(db, CRM__Q_CONSENT_GET, &ev);
    if (rc)
        return rc;
    crm__bind_id(ev, 1, &id);
    rc = crm__st_step(ev, "reading a consent event");
    if (rc == CRM_DONE)
        return crm__error(db, CRM_ERROR, "reading a consent event: it is gone");
    if (rc != CRM_ROW)
        return rc;
    const char *t[4] = { crm__col_text(ev, 2), crm__col_text(ev, 3), crm__col_text(ev, 6),
                         crm__col_text(ev, 8) };
    if (!t[0] || !t[2] || !t[3] || (!t[1] && !crm__col_null(ev, 3)))
        return crm__error(db, CRM_ENOMEM, "out of memory reading a consent event");
    crm_consent *c = consent_new(t[0], t[1], t[2], t[3][0] ? t[3] : NULL);
    if (!c)
        return crm__error(db, CRM_ENOMEM, "out of memory reading a consent event");
    rc = consent_fields(db, c, ev);
    if (rc) {
        crm__free(c);
        return rc;
    }
    *out = c;
    return CRM_OK;
}

/* ---- history ---------------------------------------------------------------- */

struct crm_consent_cursor {
    crm__cursor base;
    crm_consent row;
};

static int consent_build(crm__cursor *c)
{
    crm_consent_cursor *cur = (crm_consent_cursor *)c;
    crm_consent *k = &cur->row;
    static const int cols[] = { 2, 3, 6, 8 }; /* purpose, channel, actor, note */
    const char *t[4];
    int rc = crm__cursor_texts(c, cols, 4, t);
    if (rc)
        return rc;
    if (!t[0] || !t[2] || !t[3])
        return crm__error(c->db, CRM_ECORRUPT, "a consent event without a purpose or actor");
    k->purpose = t[0];
    k->channel = t[1];
    k->actor = t[2];
    k->note = t[3][0] ? t[3] : NULL;
    return consent_fields(c->db, k, c->st);
}

int crm_consent_history_open(crm_consent_cursor **out, crm_db *db, const char *customer_id,
                             const char *purpose, const char *channel)
{
    CRM__ENTER(db);
    crm__uuid cid;
    int64_t code = 0;
    int kind = 0;
    /* Held on its row until the cursor has read its first: one snapshot. */
    CRM__ST(found);
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_id(db, "customer id", customer_id, &cid);
    if (rc == CRM_OK && purpose)
        rc = check_purpose(db, purpose);
    if (rc == CRM_OK)
        rc = check_channel_word(db, channel);
    if (rc == CRM_OK)
        rc = crm__customer_probe(db, &found, &cid, &kind);
    if (rc == CRM_OK && channel)
        rc = channel_code(db, channel, &code);
    if (rc)
        return rc;
    crm__cursor *c;
    rc = crm__cursor_new((void **)&c, sizeof **out, db, CRM__Q_CONSENT_HISTORY, consent_build,
                         "listing consent");
    if (rc)
        return rc;
    crm__bind_id(c->st, 1, &cid);
    crm__bind_text(c->st, 2, purpose);
    if (channel)
        crm__bind_int(c->st, 3, code);
    else
        crm__bind_null(c->st, 3);
    return crm__cursor_bound((void **)out, c, "listing consent");
}

int crm_consent_cursor_next(crm_consent_cursor *cur, const crm_consent **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_consent_cursor_free(crm_consent_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}
