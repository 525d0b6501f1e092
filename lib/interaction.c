/*
 * libcrm - interactions and the timeline.
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

/* The optional texts of a record, in one array so that a copy is one loop. */
enum { T_HANDLED_BY, T_REASON, T_SUMMARY, T_BODY, T_EXTERNAL_REF, T_CHANNEL, T_COUNT };
_Static_assert(T_CHANNEL == T_COUNT - 1, "a list reads one text less for a built-in channel");

struct crm_interaction {
    char id[CRM_ID_LEN + 1];
    char customer_id[CRM_ID_LEN + 1];
    char thread_id[CRM_ID_LEN + 1];
    char reply_to[CRM_ID_LEN + 1]; /* "" when it answers nothing */
    crm_channel_t channel; /* CRM_CHANNEL_CUSTOM: text[T_CHANNEL] names it */
    crm_direction_t direction;
    crm_outcome_t outcome;
    int is_public;
    int sentiment;
    int64_t occurred_at, updated_at;
    /* NULL when not recorded (T_CHANNEL: for a built-in channel). They
     * point just past the struct in an owned record, into the cursor's
     * texts in a cursor's. */
    const char *text[T_COUNT];
};

/* ---- enum words --------------------------------------------------------- */

static const char *const channel_names[CRM_CHANNEL_MAX + 1] = {
    NULL,        "phone", "ivr", "email",  "chat",      "sms", "social",
    "in_person", "kiosk", "web", "letter", "community",
};
static const char *const direction_names[] = { NULL, "in", "out" };
static const char *const outcome_names[CRM_OUTCOME_MAX + 1] = {
    "none", "resolved", "unresolved", "transferred", "abandoned", "escalated",
};

static bool channel_valid(int c) { return c >= 1 && c <= CRM_CHANNEL_MAX; }
static bool direction_valid(int d) { return d == CRM_DIRECTION_IN || d == CRM_DIRECTION_OUT; }
static bool outcome_valid(int o) { return o >= CRM_OUTCOME_NONE && o <= CRM_OUTCOME_MAX; }

const char *crm_channel_name(crm_channel_t channel)
{
    return channel_valid((int)channel) ? channel_names[channel] : NULL;
}

int crm_channel_parse(crm_channel_t *out, const char *name)
{
    int i = crm__word_index(channel_names, 1, CRM_CHANNEL_MAX, name);
    if (!out)
        return crm__null_arg(__func__, "out");
    if (i < 0)
        return crm__parse_error(__func__, "a channel", name,
                                "phone, ivr, email, chat, sms, social, in_person, kiosk, web, "
                                "letter or community");
    *out = (crm_channel_t)i;
    return CRM_OK;
}

const char *crm_direction_name(crm_direction_t direction)
{
    return direction_valid((int)direction) ? direction_names[direction] : NULL;
}

int crm_direction_parse(crm_direction_t *out, const char *name)
{
    int i = crm__word_index(direction_names, 1, 2, name);
    if (!out)
        return crm__null_arg(__func__, "out");
    if (i < 0)
        return crm__parse_error(__func__, "a direction", name, "in or out");
    *out = (crm_direction_t)i;
    return CRM_OK;
}

const char *crm_outcome_name(crm_outcome_t outcome)
{
    return outcome_valid((int)outcome) ? outcome_names[outcome] : NULL;
}

int crm_outcome_parse(crm_outcome_t *out, const char *name)
{
    int i = crm__word_index(outcome_names, 0, CRM_OUTCOME_MAX, name);
    if (!out)
        return crm__null_arg(__func__, "out");
    if (i < 0)
        return crm__parse_error(__func__, "an outcome", name,
                                "none, resolved, unresolved, transferred, abandoned or escalated");
    *out = (crm_outcome_t)i;
    return CRM_OK;
}

/* ---- records ------------------------------------------------------------ */

const char *crm_interaction_id(const crm_interaction *i) { return i ? i->id : NULL; }
const char *crm_interaction_customer_id(const crm_interaction *i)
{
    return i ? i->customer_id : NULL;
}
crm_channel_t crm_interaction_channel(const crm_interaction *i) { return i ? i->channel : 0; }
const char *crm_interaction_channel_name(const crm_interaction *i)
{
    if (!i)
        return NULL;
    return i->text[T_CHANNEL] ? i->text[T_CHANNEL] : crm_channel_name(i->channel);
}
crm_direction_t crm_interaction_direction(const crm_interaction *i) { return i ? i->direction : 0; }
int64_t crm_interaction_occurred_at(const crm_interaction *i)
{
    return i ? i->occurred_at : CRM_TIME_NONE;
}
const char *crm_interaction_handled_by(const crm_interaction *i)
{
    return i ? i->text[T_HANDLED_BY] : NULL;
}
const char *crm_interaction_reason(const crm_interaction *i)
{
    return i ? i->text[T_REASON] : NULL;
}
crm_outcome_t crm_interaction_outcome(const crm_interaction *i)
{
    return i ? i->outcome : CRM_OUTCOME_NONE;
}
int crm_interaction_is_public(const crm_interaction *i) { return i ? i->is_public : 0; }
int crm_interaction_sentiment(const crm_interaction *i)
{
    return i ? i->sentiment : CRM_SENTIMENT_NONE;
}
const char *crm_interaction_summary(const crm_interaction *i)
{
    return i ? i->text[T_SUMMARY] : NULL;
}
const char *crm_interaction_body(const crm_interaction *i) { return i ? i->text[T_BODY] : NULL; }
const char *crm_interaction_thread_id(const crm_interaction *i) { return i ? i->thread_id : NULL; }
const char *crm_interaction_reply_to(const crm_interaction *i)
{
    return i && i->reply_to[0] ? i->reply_to : NULL;
}
const char *crm_interaction_external_ref(const crm_interaction *i)
{
    return i ? i->text[T_EXTERNAL_REF] : NULL;
}
int64_t crm_interaction_updated_at(const crm_interaction *i)
{
    return i ? i->updated_at : CRM_TIME_NONE;
}

void crm_interaction_free(crm_interaction *i)
{
    crm__free(i);
}

/* An owned copy of src in one allocation; NULL when out of memory. */
static crm_interaction *interaction_copy(const crm_interaction *src)
{
    size_t len[T_COUNT], total = sizeof *src;
    for (int k = 0; k < T_COUNT; k++) {
        len[k] = src->text[k] ? strlen(src->text[k]) + 1 : 0;
        total += len[k];
    }
    crm_interaction *i = crm__malloc(total);
    if (!i)
        return NULL;
    *i = *src;
    char *p = (char *)(i + 1);
    for (int k = 0; k < T_COUNT; k++) {
        if (!src->text[k])
            continue;
        memcpy(p, src->text[k], len[k]);
        i->text[k] = p;
        p += len[k];
    }
    return i;
}

int crm_interaction_dup(crm_interaction **out, const crm_interaction *i)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    if (!i)
        return crm__null_arg(__func__, "the interaction");
    crm_interaction *c = interaction_copy(i);
    if (!c)
        return crm__thread_error(CRM_ENOMEM, "%s: out of memory copying the interaction", __func__);
    *out = c;
    return CRM_OK;
}

/* Column of each text in the columns of an interaction (see
 * CRM__Q_INTERACTION_GET). */
static const int text_column[T_COUNT] = { 5, 6, 10, 11, 14, 16 };

/* Fill i from the row (the columns of CRM__Q_INTERACTION_GET), all but its
 * texts. */
static void read_fields(crm_interaction *i, crm__st *st)
{
    crm__col_id(i->id, st, 0);
    crm__col_id(i->customer_id, st, 1);
    int64_t channel = crm__col_int(st, 2);
    i->channel = channel_valid((int)channel) ? (crm_channel_t)channel : CRM_CHANNEL_CUSTOM;
    i->direction = (crm_direction_t)crm__col_int(st, 3);
    i->occurred_at = crm__col_int(st, 4);
    i->outcome = (crm_outcome_t)crm__col_int(st, 7);
    i->is_public = (int)crm__col_int(st, 8);
    i->sentiment = (int)crm__col_int_or(st, 9, CRM_SENTIMENT_NONE);
    crm__col_id(i->thread_id, st, 12);
    crm__col_id(i->reply_to, st, 13); /* "" when NULL */
    i->updated_at = crm__col_int(st, 15);
}

/* Fill i from the row, its texts borrowed from the statement: valid until
 * it steps or resets (a list copies them, see interaction_build).
 * CRM_ENOMEM when the engine could not produce a text. */
static int read_row(crm_interaction *i, crm__st *st)
{
    read_fields(i, st);
    for (int k = 0; k < T_COUNT; k++) {
        int col = text_column[k];
        i->text[k] = crm__col_text(st, col);
        if (!i->text[k] && !crm__col_null(st, col))
            return CRM_ENOMEM;
    }
    return CRM_OK;
}

/* ---- argument checks ---------------------------------------------------- */

static int check_channel(crm_db *db, const char *field, int channel)
{
    if (channel == CRM_CHANNEL_CUSTOM)
        return crm__error(db, CRM_EINVAL,
                          "%s %d is CRM_CHANNEL_CUSTOM, which a record says of a custom "
                          "channel: give the channel's name instead",
                          field, channel);
    if (!channel_valid(channel))
        return crm__error(db, CRM_EINVAL,
                          "%s %d is not a channel (1 = CRM_CHANNEL_PHONE .. %d = "
                          "CRM_CHANNEL_COMMUNITY)",
                          field, channel, CRM_CHANNEL_MAX);
    return CRM_OK;
}

static int check_outcome(crm_db *db, const char *field, int outcome)
{
    if (!outcome_valid(outcome))
        return crm__error(db, CRM_EINVAL,
                          "%s %d is not an outcome (0 = CRM_OUTCOME_NONE .. %d = "
                          "CRM_OUTCOME_ESCALATED)",
                          field, outcome, CRM_OUTCOME_MAX);
    return CRM_OK;
}

static int check_reason(crm_db *db, const char *reason)
{
    return crm__check_code(db, "reason", reason, CRM_REASON_MAX);
}

/* A summary is one paragraph, read in lists: no line breaks. The body is
 * where text with a layout goes. */
static int check_summary(crm_db *db, const char *summary)
{
    return crm__check_text(db, "summary", summary, 1, CRM_SUMMARY_MAX, CRM__TEXT_NO_CONTROL);
}

static int check_external_ref(crm_db *db, const char *ref)
{
    return crm__check_text(db, "external_ref", ref, 1, CRM_EXTERNAL_REF_MAX,
                           CRM__TEXT_NO_CONTROL | CRM__TEXT_NO_EDGE_SPACE);
}

/* ---- channels by name ----------------------------------------------------- */

/* The built-in channel called name, or 0: a custom one. */
static int builtin_channel(const char *name)
{
    int i = crm__word_index(channel_names, 1, CRM_CHANNEL_MAX, name);
    return i < 0 ? 0 : i;
}

/* The number of custom channel name in *code: 0 when no interaction has
 * used it yet. */
static int custom_code(crm_db *db, const char *name, int64_t *code)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_CHANNEL_CODE, &st);
    if (rc)
        return rc;
    crm__bind_text(st, 1, name);
    rc = crm__st_step(st, "reading a channel");
    if (rc == CRM_ROW)
        *code = crm__col_int(st, 0);
    else if (rc == CRM_DONE)
        *code = 0;
    return rc == CRM_ROW || rc == CRM_DONE ? CRM_OK : rc;
}

/* Keep custom channel name, which no interaction has used yet; its new
 * number in *code. */
static int custom_add(crm_db *db, const char *name, int64_t *code)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_CHANNEL_ADD, &st);
    if (rc)
        return rc;
    crm__bind_text(st, 1, name);
    rc = crm__st_run(st, "keeping a new channel");
    if (rc == CRM_OK)
        rc = custom_code(db, name, code);
    if (rc == CRM_OK && *code == 0)
        rc = crm__error(db, CRM_ERROR, "keeping new channel %s: it was not kept", name);
    return rc;
}

int crm__channel_keep(crm_db *db, const char *name, int64_t *code)
{
    int rc = custom_code(db, name, code);
    if (rc == CRM_OK && *code == 0)
        rc = custom_add(db, name, code);
    return rc;
}

/* The channel of spec s: *builtin its crm_channel_t, or 0 for the custom
 * channel *name names; *name is its word either way. */
static int check_spec_channel(crm_db *db, const crm_interaction_spec *s, int *builtin,
                              const char **name)
{
    const char *word = s->version >= 3 ? s->channel_name : NULL;
    int rc;
    if (!word) {
        rc = check_channel(db, "channel", (int)s->channel);
        if (rc == CRM_OK) {
            *builtin = (int)s->channel;
            *name = channel_names[s->channel];
        }
        return rc;
    }
    if ((rc = crm__check_kind_name(db, "channel_name", word)))
        return rc;
    int b = builtin_channel(word);
    if (s->channel != 0 && (int)s->channel != b)
        return crm__error(db, CRM_EINVAL,
                          "channel %d and channel_name '%s' name two channels; give one of them",
                          (int)s->channel, word);
    *builtin = b;
    *name = word;
    return CRM_OK;
}

static int check_spec(crm_db *db, const crm_interaction_spec *s, crm__uuid *cid,
                      crm__uuid *reply_to, int *builtin, const char **channel)
{
    if (!s)
        return crm__error(db, CRM_EINVAL, "spec is NULL");
    if (s->version < 1 || s->version > CRM_INTERACTION_SPEC_VERSION)
        return crm__error(db, CRM_EINVAL,
                          "crm_interaction_spec.version is %u; this libcrm knows versions 1 to %d",
                          s->version, CRM_INTERACTION_SPEC_VERSION);
    int rc = crm__check_id(db, "customer_id", s->customer_id, cid);
    if (rc == CRM_OK)
        rc = check_spec_channel(db, s, builtin, channel);
    if (rc == CRM_OK && !direction_valid((int)s->direction))
        rc = crm__error(db, CRM_EINVAL,
                        "direction %d is not a direction (CRM_DIRECTION_IN or CRM_DIRECTION_OUT)",
                        (int)s->direction);
    if (rc == CRM_OK)
        rc = crm__check_time_opt(db, "occurred_at", crm__time_given(s->version, s->occurred_at));
    if (rc == CRM_OK && s->handled_by)
        rc = crm__check_actor(db, "handled_by", s->handled_by);
    if (rc == CRM_OK && s->reason)
        rc = check_reason(db, s->reason);
    if (rc == CRM_OK)
        rc = check_outcome(db, "outcome", (int)s->outcome);
    if (rc == CRM_OK && s->is_public != 0 && s->is_public != 1)
        rc = crm__error(db, CRM_EINVAL, "is_public is %d; use 0 or 1", s->is_public);
    if (rc == CRM_OK && s->sentiment != CRM_SENTIMENT_NONE &&
        (s->sentiment < -2 || s->sentiment > 2))
        rc = crm__error(db, CRM_EINVAL,
                        "sentiment %d is outside -2..+2 (CRM_SENTIMENT_NONE when not recorded)",
                        s->sentiment);
    if (rc == CRM_OK && s->summary)
        rc = check_summary(db, s->summary);
    if (rc == CRM_OK && s->body)
        rc = crm__check_text(db, "body", s->body, 1, CRM_BODY_MAX, 0);
    if (rc == CRM_OK && s->reply_to)
        rc = crm__check_id(db, "reply_to", s->reply_to, reply_to);
    if (rc == CRM_OK && s->external_ref)
        rc = check_external_ref(db, s->external_ref);
    return rc;
}

/* ---- logging ------------------------------------------------------------ */

/* The thread the reply joins, which must be a conversation of customer cid. */
static int find_parent(crm_db *db, const crm__uuid *cid, const crm__uuid *parent,
                       crm__uuid *thread)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_INTERACTION_PARENT, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, parent);
    char pid[CRM_ID_LEN + 1], owner[CRM_ID_LEN + 1], cust[CRM_ID_LEN + 1];
    crm__uuid_format(pid, parent->b);
    rc = crm__st_step(st, "reading an interaction");
    if (rc == CRM_DONE) {
        rc = crm__error(db, CRM_ENOTFOUND, "reply_to names no interaction (%s)", pid);
    } else if (rc == CRM_ROW) {
        crm__uuid c, t;
        if (!crm__col_uuid(&c, st, 0) || !crm__col_uuid(&t, st, 1)) {
            rc = crm__corrupt_id(db, "reading an interaction");
        } else if (memcmp(c.b, cid->b, 16) != 0) {
            crm__uuid_format(owner, c.b);
            crm__uuid_format(cust, cid->b);
            rc = crm__error(db, CRM_EINVAL,
                            "reply_to %s is an interaction of customer %s, not of customer %s; "
                            "a reply stays with its customer",
                            pid, owner, cust);
        } else {
            *thread = t;
            rc = CRM_OK;
        }
    }
    return rc;
}

/* Importing a feed twice must add nothing, and say what is already there.
 * Writes are serialised (BEGIN IMMEDIATE), so nothing can come between
 * this look and the insert. */
static int check_ref_free(crm_db *db, int64_t channel, const char *channel_name,
                          const char *ref)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_INTERACTION_ID_BY_REF, &st);
    if (rc)
        return rc;
    crm__bind_int(st, 1, channel);
    crm__bind_text(st, 2, ref);
    rc = crm__st_step(st, "looking up an external reference");
    if (rc == CRM_DONE) {
        rc = CRM_OK;
    } else if (rc == CRM_ROW) {
        char q[CRM__QUOTE_SIZE], eid[CRM_ID_LEN + 1];
        crm__uuid existing;
        if (crm__col_uuid(&existing, st, 0)) {
            crm__uuid_format(eid, existing.b);
            crm__set_conflict(db, &existing);
            rc = crm__error(db, CRM_EEXISTS,
                            "external_ref '%s' on channel %s was already recorded as "
                            "interaction %s",
                            crm__pquote(db, q, sizeof q, ref), channel_name, eid);
        } else {
            rc = crm__corrupt_id(db, "looking up an external reference");
        }
    }
    return rc;
}

static int insert(crm_db *db, const crm_interaction_spec *s, const crm__uuid *id,
                  const crm__uuid *cid, int64_t channel, int64_t occurred,
                  const crm__uuid *thread, const crm__uuid *reply_to, int64_t now)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_INTERACTION_INSERT, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, id);
    crm__bind_id(st, 2, cid);
    crm__bind_int(st, 3, channel);
    crm__bind_int(st, 4, (int)s->direction);
    crm__bind_int(st, 5, occurred);
    crm__bind_text(st, 6, s->handled_by);
    crm__bind_text(st, 7, s->reason);
    crm__bind_int(st, 8, (int)s->outcome);
    crm__bind_int(st, 9, s->is_public);
    if (s->sentiment == CRM_SENTIMENT_NONE)
        crm__bind_null(st, 10);
    else
        crm__bind_int(st, 10, s->sentiment);
    crm__bind_text(st, 11, s->summary);
    crm__bind_text(st, 12, s->body);
    crm__bind_id(st, 13, thread);
    crm__bind_id(st, 14, reply_to);
    crm__bind_text(st, 15, s->external_ref);
    crm__bind_int(st, 16, now);
    /* reply_to was found above, so a refused foreign key is the customer's. */
    return crm__customer_insert_owned(db, st, cid, "recording an interaction");
}

/* An interaction is recorded once it happened: one later than now (by the
 * handle's clock) is a plan, which is a promise's or an occasion's to keep. */
static int future(crm_db *db, int64_t occurred, int64_t now)
{
    char a[CRM__TIME_TEXT_SIZE], b[CRM__TIME_TEXT_SIZE];
    return crm__error(db, CRM_EINVAL,
                      "occurred_at %lld (%s) is in the future: it is %lld (%s) now, and an "
                      "interaction is recorded once it happened (a call to make is a promise)",
                      (long long)occurred, crm__time_text(a, occurred), (long long)now,
                      crm__time_text(b, now));
}

int crm_interaction_log(crm_interaction **out, crm_db *db, const crm_interaction_spec *spec)
{
    CRM__ENTER(db);
    crm__uuid cid, parent;
    int builtin = 0;
    const char *channel = NULL;
    int rc = check_spec(db, spec, &cid, &parent, &builtin, &channel);
    if (rc)
        return rc;
    /* The record is made before the write, so that once the write is
     * committed nothing can fail. */
    crm_interaction *rec = NULL;
    if (out) {
        crm_interaction tmpl = { .channel = builtin ? (crm_channel_t)builtin : CRM_CHANNEL_CUSTOM,
                                 .direction = spec->direction,
                                 .outcome = spec->outcome,
                                 .is_public = spec->is_public,
                                 .sentiment = spec->sentiment,
                                 .text = { spec->handled_by, spec->reason, spec->summary,
                                           spec->body, spec->external_ref,
                                           builtin ? NULL : channel } };
        rec = interaction_copy(&tmpl);
        if (!rec)
            return crm__error(db, CRM_ENOMEM, "out of memory recording an interaction");
    }
    crm__uuid id, thread;
    int64_t now = 0, occurred = 0, code = builtin;
    rc = crm__write_begin(db);
    /* A time later than the clock's now (read by crm__write_begin) is
     * refused before anything changes: keeping a new channel's name below
     * is a change, and a refusal after it would take a crm_begin() group
     * with it. */
    int64_t given = crm__time_given(spec->version, spec->occurred_at);
    if (rc == CRM_OK && given != CRM_TIME_NONE && given > crm__now(db))
        rc = crm__write_end(db, future(db, given, crm__now(db)));
    else if (rc == CRM_OK) {
        /* That the customer exists is the insert's foreign key to check;
         * it is read here only when something else fails, so that a
         * missing customer is still the error reported first. */
        if (!builtin)
            rc = custom_code(db, channel, &code);
        if (rc == CRM_OK && spec->reply_to)
            rc = find_parent(db, &cid, &parent, &thread);
        /* A channel no interaction has used holds no reference yet. */
        if (rc == CRM_OK && spec->external_ref && code)
            rc = check_ref_free(db, code, channel, spec->external_ref);
        if (rc != CRM_OK) {
            int found = crm__customer_find(db, &cid, spec->customer_id, NULL, NULL);
            if (found != CRM_OK)
                rc = found;
        }
        /* Keeping a new channel's name is a change, which must come after
         * every refusal: the only one the insert could still make is a
         * missing customer, so that is read first. */
        if (rc == CRM_OK && !code) {
            rc = crm__customer_find(db, &cid, spec->customer_id, NULL, NULL);
            if (rc == CRM_OK)
                rc = custom_add(db, channel, &code);
        }
        if (rc == CRM_OK) {
            crm__new_id(db, &id, &now);
            occurred = given == CRM_TIME_NONE ? now : given;
        }
        if (rc == CRM_OK) {
            if (!spec->reply_to)
                thread = id;
            rc = insert(db, spec, &id, &cid, code, occurred, &thread,
                        spec->reply_to ? &parent : NULL, now);
        }
        if (rc == CRM_OK) {
            char iid[CRM_ID_LEN + 1];
            crm__uuid_format(iid, id.b);
            /* A custom channel's name is the caller's text; a built-in
             * one is the library's word, spelt the same. */
            crm__jfield f[] = { CRM__JTEXT("interaction_id", iid),
                                builtin ? (crm__jfield)CRM__JWORD("channel", channel_names[builtin])
                                        : (crm__jfield)CRM__JTEXT("channel", channel),
                                CRM__JWORD("direction", direction_names[spec->direction]),
                                CRM__JINT("occurred_at", occurred),
                                CRM__JTEXT("reason", spec->reason),
                                CRM__JWORD("outcome", outcome_names[spec->outcome]) };
            rc = CRM__JOURNAL(db, "interaction", &cid, "log", f);
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
        crm__uuid_format(rec->thread_id, thread.b);
        if (spec->reply_to)
            crm__uuid_format(rec->reply_to, parent.b);
        rec->occurred_at = occurred;
        rec->updated_at = now;
        *out = rec;
    }
    return CRM_OK;
}

/* ---- reading one -------------------------------------------------------- */

/* Step st (bound) and copy its row into *out; `missing` is the message for
 * no row. */
static int fetch(crm_interaction **out, crm_db *db, crm__st *st, const char *missing)
{
    int rc = crm__st_step(st, "reading an interaction");
    if (rc == CRM_ROW) {
        crm_interaction row, *rec = NULL;
        rc = read_row(&row, st);
        if (rc == CRM_OK)
            rec = interaction_copy(&row);
        if (rec)
            *out = rec;
        else
            rc = crm__error(db, CRM_ENOMEM, "out of memory reading an interaction");
    } else if (rc == CRM_DONE) {
        rc = crm__error(db, CRM_ENOTFOUND, "%s", missing);
    }
    return rc;
}

int crm_interaction_get(crm_interaction **out, crm_db *db, const char *id)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_id(db, "interaction id", id, &uid);
    if (rc)
        return rc;
    CRM__ST(st);
    rc = crm__st_get(db, CRM__Q_INTERACTION_GET, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, &uid);
    char canon[CRM_ID_LEN + 1], msg[80];
    crm__uuid_format(canon, uid.b);
    snprintf(msg, sizeof msg, "no interaction has id %s", canon);
    return fetch(out, db, st, msg);
}

/* The interaction with reference ref on the channel numbered code (0: a
 * custom channel no interaction has used, which holds none) and called
 * name. */
static int fetch_by_ref(crm_interaction **out, crm_db *db, int64_t code, const char *name,
                        const char *ref)
{
    char q[CRM__QUOTE_SIZE], msg[CRM__QUOTE_SIZE + 96];
    snprintf(msg, sizeof msg, "no interaction on channel %s has external_ref '%s'", name,
             crm__pquote(db, q, sizeof q, ref));
    if (!code)
        return crm__error(db, CRM_ENOTFOUND, "%s", msg);
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_INTERACTION_GET_BY_REF, &st);
    if (rc)
        return rc;
    crm__bind_int(st, 1, code);
    crm__bind_text(st, 2, ref);
    return fetch(out, db, st, msg);
}

int crm_interaction_get_by_ref(crm_interaction **out, crm_db *db, crm_channel_t channel,
                               const char *external_ref)
{
    CRM__ENTER(db);
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = check_channel(db, "channel", (int)channel);
    if (rc == CRM_OK)
        rc = check_external_ref(db, external_ref);
    if (rc)
        return rc;
    return fetch_by_ref(out, db, (int)channel, channel_names[channel], external_ref);
}

int crm_interaction_get_by_ref_named(crm_interaction **out, crm_db *db, const char *channel,
                                     const char *external_ref)
{
    CRM__ENTER(db);
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_kind_name(db, "channel", channel);
    if (rc == CRM_OK)
        rc = check_external_ref(db, external_ref);
    if (rc)
        return rc;
    int64_t code = builtin_channel(channel);
    if (!code && (rc = custom_code(db, channel, &code)))
        return rc;
    return fetch_by_ref(out, db, code, channel, external_ref);
}

/* ---- changing one ------------------------------------------------------- */

/* What can be learnt after the fact: the op journaled (also the data's key,
 * "old_" + op for the value replaced), the UPDATE, and the column of
 * CRM__Q_INTERACTION_CURRENT holding the value: a text, an outcome
 * (journaled as its word) or a flag (journaled as 0 or 1, and not changed
 * at all when it already has the value asked for). */
enum { V_TEXT, V_OUTCOME, V_FLAG };
typedef struct change {
    const char *op, *old_key;
    crm__query update;
    const char *what;
    int column;
    int type;
} change;

static const change CHANGE_OUTCOME = { "outcome", "old_outcome", CRM__Q_INTERACTION_SET_OUTCOME,
                                       "changing an interaction's outcome", 1, V_OUTCOME };
static const change CHANGE_REASON = { "reason", "old_reason", CRM__Q_INTERACTION_SET_REASON,
                                      "changing an interaction's reason", 2, V_TEXT };
static const change CHANGE_SUMMARY = { "summary", "old_summary", CRM__Q_INTERACTION_SET_SUMMARY,
                                       "changing an interaction's summary", 3, V_TEXT };
static const change CHANGE_PUBLIC = { "public", "old_public", CRM__Q_INTERACTION_SET_PUBLIC,
                                      "changing whether an interaction is public", 4, V_FLAG };

/* The interaction's customer and the value c changes: *old_text a copy
 * (NULL when none) for a text, *old_int for the others. An interaction
 * of an erased customer is CRM_ENOTFOUND, as the customer is: its
 * anonymous row stays as the erase left it. */
static int read_current(crm_db *db, const crm__uuid *uid, const change *c, crm__uuid *cid,
                        char **old_text, int *old_int)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_INTERACTION_CURRENT, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, uid);
    rc = crm__st_step(st, "reading an interaction");
    if (rc == CRM_DONE) {
        char canon[CRM_ID_LEN + 1];
        crm__uuid_format(canon, uid->b);
        rc = crm__error(db, CRM_ENOTFOUND, "no interaction has id %s", canon);
    } else if (rc == CRM_ROW) {
        crm__uuid owner;
        bool has_owner = crm__col_uuid(&owner, st, 0);
        char *old = NULL;
        rc = CRM_OK;
        if (c->type == V_TEXT && !crm__col_null(st, c->column)) {
            const char *t = crm__col_text(st, c->column);
            old = t ? crm__strdup(t) : NULL;
            if (!old)
                rc = CRM_ENOMEM;
        }
        if (rc == CRM_OK && !has_owner) {
            rc = crm__corrupt_id(db, "reading an interaction");
        } else if (rc == CRM_OK && !crm__col_null(st, 5)) {
            rc = crm__customer_erased(db, &owner, crm__col_int(st, 5));
        } else if (rc) {
            rc = crm__error(db, CRM_ENOMEM, "out of memory reading an interaction");
        } else {
            *cid = owner;
            *old_text = old;
            *old_int = c->type == V_TEXT ? 0 : (int)crm__col_int(st, c->column);
        }
        if (rc)
            crm__free(old);
    }
    return rc;
}

/* Set the value c changes to text (or to value) and journal the change. */
static int apply_change(crm_db *db, const crm__uuid *uid, const change *c, const char *text,
                        int value)
{
    int rc = crm__write_begin(db);
    if (rc)
        return rc;
    crm__uuid cid;
    char *old = NULL;
    int old_value = 0;
    rc = read_current(db, uid, c, &cid, &old, &old_value);
    if (rc == CRM_OK && c->type == V_FLAG && old_value == value)
        return crm__write_end(db, rc);
    if (rc == CRM_OK) {
        CRM__ST(st);
        rc = crm__st_get(db, c->update, &st);
        if (rc == CRM_OK) {
            crm__bind_id(st, 1, uid);
            if (c->type == V_TEXT)
                crm__bind_text(st, 2, text);
            else
                crm__bind_int(st, 2, value);
            crm__bind_int(st, 3, crm__now(db));
            rc = crm__st_run(st, c->what);
        }
    }
    if (rc == CRM_OK) {
        char iid[CRM_ID_LEN + 1];
        crm__uuid_format(iid, uid->b);
        crm__jfield f[] = {
            CRM__JTEXT("interaction_id", iid),
            c->type == V_TEXT      ? (crm__jfield)CRM__JTEXT(c->op, text)
            : c->type == V_OUTCOME ? (crm__jfield)CRM__JTEXT(c->op, outcome_names[value])
                                   : (crm__jfield)CRM__JINT(c->op, value),
            c->type == V_TEXT      ? (crm__jfield)CRM__JTEXT(c->old_key, old)
            : c->type == V_OUTCOME ? (crm__jfield)CRM__JTEXT(c->old_key, outcome_names[old_value])
                                   : (crm__jfield)CRM__JINT(c->old_key, old_value),
        };
        rc = CRM__JOURNAL(db, "interaction", &cid, c->op, f);
    }
    crm__free(old);
    return crm__write_end(db, rc);
}

int crm_interaction_set_outcome(crm_db *db, const char *id, crm_outcome_t outcome)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = crm__check_id(db, "interaction id", id, &uid);
    if (rc == CRM_OK)
        rc = check_outcome(db, "outcome", (int)outcome);
    return rc ? rc : apply_change(db, &uid, &CHANGE_OUTCOME, NULL, (int)outcome);
}

int crm_interaction_set_reason(crm_db *db, const char *id, const char *reason)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = crm__check_id(db, "interaction id", id, &uid);
    if (rc == CRM_OK && reason)
        rc = check_reason(db, reason);
    return rc ? rc : apply_change(db, &uid, &CHANGE_REASON, reason, 0);
}

int crm_interaction_set_summary(crm_db *db, const char *id, const char *summary)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = crm__check_id(db, "interaction id", id, &uid);
    if (rc == CRM_OK && summary)
        rc = check_summary(db, summary);
    return rc ? rc : apply_change(db, &uid, &CHANGE_SUMMARY, summary, 0);
}

int crm_interaction_set_public(crm_db *db, const char *id, int is_public)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = crm__check_id(db, "interaction id", id, &uid);
    if (rc == CRM_OK && is_public != 0 && is_public != 1)
        rc = crm__error(db, CRM_EINVAL, "is_public is %d; use 0 or 1", is_public);
    return rc ? rc : apply_change(db, &uid, &CHANGE_PUBLIC, NULL, is_public);
}

/* ---- the timeline and threads ------------------------------------------- */

struct crm_interaction_cursor {
    crm__cursor base;
    crm_interaction row;
};

/* Every channel's bit: bits 1..CRM_CHANNEL_MAX. */
#define CHANNEL_BITS (((1u << (CRM_CHANNEL_MAX + 1)) - 1) & ~1u)
#define OUTCOME_BITS ((1u << (CRM_OUTCOME_MAX + 1)) - 1)

/* A checked filter's channels as the list takes them: *bits the built-in ones
 * (its `channels` and the built-in words of its channel_names), *customs
 * the custom words as ",name,name," (crm__malloc'd; NULL when none). */
static int filter_channels(crm_db *db, const crm_timeline_filter *f, unsigned int *bits,
                           char **customs)
{
    *bits = f->channels;
    *customs = NULL;
    const char *const *names = f->version >= 3 ? f->channel_names : NULL;
    size_t len = 1;
    for (size_t k = 0; names && names[k]; k++) {
        int b = builtin_channel(names[k]);
        if (b)
            *bits |= CRM_CHANNEL_BIT(b);
        else
            len += strlen(names[k]) + 1;
    }
    if (len == 1)
        return CRM_OK;
    char *list = crm__malloc(len + 1), *p = list;
    if (!list)
        return crm__error(db, CRM_ENOMEM, "out of memory reading the filter's channel names");
    *p++ = ',';
    for (size_t k = 0; names[k]; k++) {
        if (builtin_channel(names[k]))
            continue;
        size_t n = strlen(names[k]);
        memcpy(p, names[k], n);
        p += n;
        *p++ = ',';
    }
    *p = '\0';
    *customs = list;
    return CRM_OK;
}

static int check_filter(crm_db *db, const crm_timeline_filter *f, crm__uuid *before)
{
    if (f->version < 1 || f->version > CRM_TIMELINE_FILTER_VERSION)
        return crm__error(db, CRM_EINVAL,
                          "crm_timeline_filter.version is %u; this libcrm knows versions 1 to %d",
                          f->version, CRM_TIMELINE_FILTER_VERSION);
    if (f->channels & ~CHANNEL_BITS)
        return crm__error(db, CRM_EINVAL,
                          "filter channels 0x%x has bits 0x%x that are no channel's "
                          "(use CRM_CHANNEL_BIT())",
                          f->channels, f->channels & ~CHANNEL_BITS);
    int64_t from = crm__time_given(f->version, f->from), to = crm__time_given(f->version, f->to);
    int rc = crm__check_time_opt(db, "filter from", from);
    if (rc == CRM_OK)
        rc = crm__check_time_opt(db, "filter to", to);
    if (rc)
        return rc;
    if (from != CRM_TIME_NONE && to != CRM_TIME_NONE && from > to)
        return crm__error(db, CRM_EINVAL,
                          "filter from/to range [%lld, %lld) is not a range of times",
                          (long long)from, (long long)to);
    if (f->direction != 0 && !direction_valid(f->direction))
        return crm__error(db, CRM_EINVAL, "filter direction %d is not 0 or a crm_direction_t",
                          f->direction);
    if (f->public_only != 0 && f->public_only != 1)
        return crm__error(db, CRM_EINVAL, "filter public_only is %d; use 0 or 1",
                          f->public_only);
    if (f->outcomes & ~OUTCOME_BITS)
        return crm__error(db, CRM_EINVAL,
                          "filter outcomes 0x%x has bits 0x%x that are no outcome's "
                          "(use CRM_OUTCOME_BIT())",
                          f->outcomes, f->outcomes & ~OUTCOME_BITS);
    if (f->reason_prefix && f->reason_prefix[0] &&
        (rc = crm__check_code(db, "filter reason_prefix", f->reason_prefix, CRM_REASON_MAX)))
        return rc;
    if (f->before && (rc = crm__check_id(db, "filter before", f->before, before)))
        return rc;
    const char *const *names = f->version >= 3 ? f->channel_names : NULL;
    for (size_t k = 0; names && names[k]; k++) {
        char field[48];
        snprintf(field, sizeof field, "filter channel_names[%zu]", k);
        if ((rc = crm__check_kind_name(db, field, names[k])))
            return rc;
    }
    return CRM_OK;
}

/* The occurred_at of `before`, which must be an interaction of customer
 * cid, read through the caller's statement *st, which is left on its row
 * so that the list's first read joins its snapshot. The customer exists
 * when it has `before`; only a refusal asks which of the two is missing. */
static int before_key(crm_db *db, crm__st **st, const crm__uuid *before, const crm__uuid *cid,
                      int64_t *at)
{
    int rc = crm__st_get(db, CRM__Q_INTERACTION_BEFORE, st);
    if (rc)
        return rc;
    crm__bind_id(*st, 1, before);
    crm__bind_id(*st, 2, cid);
    rc = crm__st_step(*st, "reading the timeline");
    if (rc == CRM_ROW) {
        *at = crm__col_int(*st, 0);
        return CRM_OK;
    }
    if (rc != CRM_DONE)
        return rc;
    CRM__ST(found);
    if ((rc = crm__customer_probe(db, &found, cid, NULL)))
        return rc;
    char b[CRM_ID_LEN + 1], c[CRM_ID_LEN + 1];
    crm__uuid_format(b, before->b);
    crm__uuid_format(c, cid->b);
    return crm__error(db, CRM_ENOTFOUND,
                      "filter before names no interaction of customer %s (%s); pass the id of "
                      "the last interaction of the previous page",
                      c, b);
}

/* The thread of interaction uid in *thread, and the occurred_at of
 * `before`, which must be an interaction of that thread, read through the
 * caller's statement *st, which is left on its row (see before_key). */
static int thread_key(crm_db *db, crm__st **st, const crm__uuid *before, const crm__uuid *uid,
                      crm__uuid *thread, int64_t *at)
{
    int rc = crm__st_get(db, CRM__Q_INTERACTION_THREAD_KEY, st);
    if (rc)
        return rc;
    crm__bind_id(*st, 1, before);
    crm__bind_id(*st, 2, uid);
    rc = crm__st_step(*st, "reading a thread");
    char b[CRM_ID_LEN + 1], t[CRM_ID_LEN + 1];
    if (rc == CRM_ROW && !crm__col_uuid(thread, *st, 0)) {
        rc = crm__corrupt_id(db, "reading a thread");
    } else if (rc == CRM_ROW && !crm__col_null(*st, 1)) {
        *at = crm__col_int(*st, 1);
        rc = CRM_OK;
    } else if (rc == CRM_ROW) {
        crm__uuid_format(b, before->b);
        crm__uuid_format(t, thread->b);
        rc = crm__error(db, CRM_ENOTFOUND,
                        "filter before names no interaction of thread %s (%s); pass the id "
                        "of the last interaction of the previous page",
                        t, b);
    } else if (rc == CRM_DONE) {
        crm__uuid_format(t, uid->b);
        rc = crm__error(db, CRM_ENOTFOUND, "no interaction has id %s", t);
    }
    return rc;
}

/* Smallest string greater than every string starting with p: p with its
 * last byte incremented (reason codes are ASCII, so there is no carry). */
static void prefix_upper(char *p)
{
    size_t n = strlen(p);
    if (n > 0)
        p[n - 1] = (char)(p[n - 1] + 1);
}

static int interaction_build(crm__cursor *c)
{
    crm_interaction_cursor *cur = (crm_interaction_cursor *)c;
    read_fields(&cur->row, cur->base.st);
    /* The texts, the cursor's own copies; a built-in channel's name
     * (T_CHANNEL, the last) is NULL and not read. */
    bool custom = cur->row.channel == CRM_CHANNEL_CUSTOM;
    cur->row.text[T_CHANNEL] = NULL;
    return crm__cursor_texts(c, text_column, custom ? T_COUNT : T_CHANNEL, cur->row.text);
}

/* Open list q (CRM__Q_TIMELINE, newest first, or CRM__Q_INTERACTION_THREAD,
 * oldest first) of the rows of `head` (a customer's id, a thread's) that
 * the checked filter f keeps; f->before is `key`, which occurred at key_at,
 * and its check (before_key, thread_key) checked the head too. Without
 * `before` the list checks the head itself (CRM__SHAPE_TIMELINE_HEAD), for
 * a thread given as one of its interactions; `noun` names it in the
 * message when it is missing. */
static int open_list(crm_interaction_cursor **out, crm_db *db, crm__query q,
                     const crm__uuid *head, const char *noun, const crm_timeline_filter *f,
                     const crm__uuid *key, int64_t key_at, const char *what)
{
    unsigned int bits;
    char *customs;
    int rc = filter_channels(db, f, &bits, &customs);
    if (rc)
        return rc;
    /* SQLite bounds the walk by one bound in the list's direction only,
     * and would pick the time: of it and the key keep the one that
     * implies the other, so that a page costs its rows wherever it starts
     * (`to` and the key in a timeline, newest first; `from` and the key in
     * a thread). */
    bool newest_first = q == CRM__Q_TIMELINE;
    int64_t from = crm__time_given(f->version, f->from), to = crm__time_given(f->version, f->to);
    int64_t bound = newest_first ? to : from;
    bool use_key = f->before && (bound == CRM_TIME_NONE ||
                                 (newest_first ? key_at < bound : key_at >= bound));
    bool use_from = from != CRM_TIME_NONE && (newest_first || !use_key);
    bool use_to = to != CRM_TIME_NONE && (!newest_first || !use_key);
    bool prefix = f->reason_prefix && f->reason_prefix[0];
    char hi[CRM_REASON_MAX + 1];
    if (prefix) {
        memcpy(hi, f->reason_prefix, strlen(f->reason_prefix) + 1);
        prefix_upper(hi);
    }

    unsigned int shape = (customs ? CRM__SHAPE_TIMELINE_CHANNEL_NAMES
                          : bits  ? CRM__SHAPE_TIMELINE_CHANNELS
                                  : 0) |
                         (use_from ? CRM__SHAPE_TIMELINE_FROM : 0) |
                         (use_to ? CRM__SHAPE_TIMELINE_TO : 0) |
                         (prefix ? CRM__SHAPE_TIMELINE_REASON : 0) |
                         (f->direction ? CRM__SHAPE_TIMELINE_DIRECTION : 0) |
                         (f->public_only ? CRM__SHAPE_TIMELINE_PUBLIC : 0) |
                         (f->outcomes ? CRM__SHAPE_TIMELINE_OUTCOMES : 0) |
                         (use_key ? CRM__SHAPE_TIMELINE_BEFORE : 0) |
                         (f->limit ? CRM__SHAPE_TIMELINE_LIMIT : 0) |
                         (f->before ? 0 : CRM__SHAPE_TIMELINE_HEAD);
    crm_interaction_cursor *cur;
    rc = crm__cursor_new_shaped((void **)&cur, sizeof *cur, db, q, shape, interaction_build, what);
    if (rc) {
        crm__free(customs);
        return rc;
    }
    crm__st *st = cur->base.st;
    crm__bind_id(st, 1, head);
    if (shape & (CRM__SHAPE_TIMELINE_CHANNELS | CRM__SHAPE_TIMELINE_CHANNEL_NAMES))
        crm__bind_int(st, 2, bits);
    if (customs)
        crm__bind_text(st, 12, customs);
    if (use_from)
        crm__bind_int(st, 3, from);
    if (use_to)
        crm__bind_int(st, 4, to);
    if (prefix) {
        crm__bind_text(st, 5, f->reason_prefix);
        crm__bind_text(st, 6, hi);
    }
    if (f->direction)
        crm__bind_int(st, 7, f->direction);
    if (f->outcomes)
        crm__bind_int(st, 8, f->outcomes);
    if (use_key) {
        crm__bind_int(st, 9, key_at);
        crm__bind_id(st, 10, key);
    }
    if (f->limit)
        crm__bind_int(st, 11, f->limit);
    crm__free(customs);
    rc = crm__cursor_bound((void **)&cur, cur, what);
    if (rc)
        return rc;
    if (f->before) {
        *out = cur;
        return CRM_OK;
    }
    if (cur->base.done) {
        crm__cursor_free(cur);
        /* An erased customer's timeline is gone: the probe says since when. */
        CRM__ST(found);
        if (q == CRM__Q_TIMELINE && (rc = crm__customer_probe(db, &found, head, NULL)))
            return rc;
        char canon[CRM_ID_LEN + 1];
        crm__uuid_format(canon, head->b);
        return crm__error(db, CRM_ENOTFOUND, "no %s has id %s", noun, canon);
    }
    crm__uuid thread;
    if (crm__col_null(cur->base.st, 0)) { /* the head's row of NULLs: the filter keeps none */
        crm__cursor_stop(&cur->base, CRM_DONE);
    } else if (q == CRM__Q_INTERACTION_THREAD && !crm__col_uuid(&thread, cur->base.st, 12)) {
        /* The thread was found by a stored thread_id that is no id. */
        crm__cursor_free(cur);
        return crm__corrupt_id(db, what);
    }
    *out = cur;
    return CRM_OK;
}

int crm_interaction_timeline_open(crm_interaction_cursor **out, crm_db *db, const char *customer_id,
                      const crm_timeline_filter *filter)
{
    CRM__ENTER(db);
    crm_timeline_filter defaults = CRM_TIMELINE_FILTER_INIT;
    const crm_timeline_filter *f = filter ? filter : &defaults;
    crm__uuid cid, before;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_id(db, "customer id", customer_id, &cid);
    if (rc == CRM_OK)
        rc = check_filter(db, f, &before);
    if (rc)
        return rc;
    /* The check of `before` (which has the customer) is held on its row
     * until the timeline has read its first: one snapshot. Without
     * `before` the list checks the customer itself. */
    CRM__ST(found);
    int64_t before_at = 0;
    if (f->before && (rc = before_key(db, &found, &before, &cid, &before_at)))
        return rc;
    return open_list(out, db, CRM__Q_TIMELINE, &cid, "customer", f, &before, before_at,
                     "reading the timeline");
}

int crm_interaction_thread_open(crm_interaction_cursor **out, crm_db *db, const char *interaction_id,
                                const crm_timeline_filter *filter)
{
    CRM__ENTER(db);
    crm_timeline_filter defaults = CRM_TIMELINE_FILTER_INIT;
    const crm_timeline_filter *f = filter ? filter : &defaults;
    crm__uuid uid, thread, before;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_id(db, "interaction id", interaction_id, &uid);
    if (rc == CRM_OK)
        rc = check_filter(db, f, &before);
    if (rc)
        return rc;
    /* Without `before` the list finds the thread from the interaction
     * itself; with it, the check does, held on its row: one snapshot. */
    if (!f->before)
        return open_list(out, db, CRM__Q_INTERACTION_THREAD, &uid, "interaction", f, NULL, 0,
                         "reading a thread");
    CRM__ST(found);
    int64_t before_at = 0;
    if ((rc = thread_key(db, &found, &before, &uid, &thread, &before_at)))
        return rc;
    return open_list(out, db, CRM__Q_INTERACTION_THREAD, &thread, "interaction", f, &before,
                     before_at, "reading a thread");
}

int crm_interaction_cursor_next(crm_interaction_cursor *cur, const crm_interaction **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_interaction_cursor_free(crm_interaction_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}

/* ---- deleting one ----------------------------------------------------------- */

/* What refers to an interaction being deleted, read in its write. */
typedef struct delete_links {
    crm__uuid cid, thread, reply_to, next_first;
    bool has_reply_to, has_next_first, consent;
    char channel[40], consent_id[CRM_ID_LEN + 1];
    int direction;
    int64_t occurred_at, replies, promises, steps;
} delete_links;

static int read_links(crm_db *db, const crm__uuid *uid, const char *canon, delete_links *l)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_INTERACTION_DELETE_LINKS, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, uid);
    rc = crm__st_step(st, "reading an interaction");
    if (rc == CRM_DONE)
        return crm__error(db, CRM_ENOTFOUND, "no interaction has id %s", canon);
    if (rc != CRM_ROW)
        return rc;
    const char *channel = crm__col_text(st, 1);
    if (!channel)
        return crm__error(db, CRM_ENOMEM, "out of memory reading an interaction");
    snprintf(l->channel, sizeof l->channel, "%s", channel);
    l->has_reply_to = !crm__col_null(st, 5);
    l->consent = !crm__col_null(st, 9);
    l->has_next_first = !crm__col_null(st, 10);
    if (!crm__col_uuid(&l->cid, st, 0) || !crm__col_uuid(&l->thread, st, 4) ||
        (l->has_reply_to && !crm__col_uuid(&l->reply_to, st, 5)) ||
        (l->consent && !crm__col_id(l->consent_id, st, 9)) ||
        (l->has_next_first && !crm__col_uuid(&l->next_first, st, 10)))
        return crm__corrupt_id(db, "reading an interaction");
    /* Deleting it would change the counts the erase kept for reports. */
    if (!crm__col_null(st, 11))
        return crm__customer_erased(db, &l->cid, crm__col_int(st, 11));
    l->direction = (int)crm__col_int(st, 2);
    l->occurred_at = crm__col_int(st, 3);
    l->replies = crm__col_int(st, 6);
    l->promises = crm__col_int(st, 7);
    l->steps = crm__col_int(st, 8);
    return CRM_OK;
}

/* Run query q with the interaction's id as ?1 and up to two more ids. */
static int delete_step(crm_db *db, crm__query q, const crm__uuid *uid, const crm__uuid *a,
                       const crm__uuid *b, bool time4, const char *what)
{
    CRM__ST(st);
    int rc = crm__st_get(db, q, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, uid);
    if (a)
        crm__bind_id(st, 2, a);
    if (q == CRM__Q_INTERACTION_DELETE_RELINK)
        crm__bind_id(st, 3, b);
    if (time4)
        crm__bind_int(st, 4, crm__now(db));
    return crm__st_run(st, what);
}

int crm_interaction_delete(crm_db *db, const char *id)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = crm__check_id(db, "interaction id", id, &uid);
    if (rc)
        return rc;
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    char canon[CRM_ID_LEN + 1];
    crm__uuid_format(canon, uid.b);
    delete_links l;
    memset(&l, 0, sizeof l);
    rc = read_links(db, &uid, canon, &l);
    /* The consent ledger is evidence and is never rewritten: the contact
     * during which a customer gave or withdrew consent stays. */
    if (rc == CRM_OK && l.consent)
        rc = crm__error(db, CRM_ESTATE,
                        "interaction %s is named by consent event %s, which the consent "
                        "ledger keeps as it was recorded",
                        canon, l.consent_id);
    const char *what = "deleting an interaction";
    bool first = memcmp(l.thread.b, uid.b, 16) == 0;
    if (rc == CRM_OK && l.replies)
        rc = delete_step(db, CRM__Q_INTERACTION_DELETE_RELINK, &uid, &l.thread,
                         l.has_reply_to ? &l.reply_to : NULL, true, what);
    if (rc == CRM_OK && first && l.has_next_first)
        rc = delete_step(db, CRM__Q_INTERACTION_DELETE_RETHREAD, &uid, &l.next_first, NULL,
                         false, what);
    if (rc == CRM_OK && l.promises)
        rc = delete_step(db, CRM__Q_INTERACTION_DELETE_UNLINK_PROMISES, &uid, &l.cid, NULL,
                         false, what);
    if (rc == CRM_OK && l.steps)
        rc = delete_step(db, CRM__Q_INTERACTION_DELETE_UNLINK_STEPS, &uid, &l.cid, NULL, false,
                         what);
    if (rc == CRM_OK)
        rc = delete_step(db, CRM__Q_INTERACTION_DELETE, &uid, NULL, NULL, false, what);
    if (rc == CRM_OK) {
        /* What the contact was, never what was said in it: the summary,
         * the body and who handled it go with the row. */
        crm__jfield f[] = { CRM__JTEXT("interaction_id", canon), CRM__JTEXT("channel", l.channel),
                            CRM__JWORD("direction", direction_names[l.direction == 2 ? 2 : 1]),
                            CRM__JINT("occurred_at", l.occurred_at),
                            CRM__JINT("replies", l.replies), CRM__JINT("promises", l.promises) };
        rc = CRM__JOURNAL(db, "interaction", &l.cid, "delete", f);
    }
    return crm__write_end(db, rc);
}
