"""The records the bindings copy out of libcrm, and their fields: declared
here once, and nowhere else.

Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.

gen_records.py makes from this table, at build time, everything that
lists a record's fields:

  - the Python record fillers (C: the fields, in the order below, read in
    the call that reads the record, into a tuple or straight into the
    slots of the crm package's record class) and the tuple's layout, which
    the crm package takes for each record class's __slots__;
  - the type stub's record classes (crm/__init__.pyi);
  - the Lua record builders (C: a table with the record type's metatable)
    and a description of each field the Lua tests read.

tests/python/test_fields.py checks the table against the C accessors in
include/crm/*.h (every accessor of every record is read by a field or
said to be unread, with the reason, and every field reads an accessor
that exists), and test_records in each
language checks, field by field, that each record read through the
binding holds what the accessors give.

To add a field: add its row below. Nothing else is edited by hand.

A field is read through the accessor crm_<record>_<field>, or the one
named; its kind says how the value is read and what each language makes
of it:

  kind     C value                      Python                 Lua
  TEXT     const char *                 str; None for NULL     string; absent for NULL
  WORD     an enum, named by `names`    str                    string
  TIME     int64_t ms                   aware datetime (UTC);  integer;
                                        None for CRM_TIME_NONE absent for CRM_TIME_NONE
  BOOL     int, 1 or 0                  bool                   boolean
  INT      int                          int                    integer
  INT64    int64_t                      int                    integer
  UINT     unsigned int                 int                    integer
  FLAG     unsigned int, tested         bool                   boolean
           against the flag `bit`
  OPT_INT  int, `none` when not set     int; None for none     integer; absent for none
  REAL     double                       float                  number (a float)
  DATE     three ints (`parts`): year,  datetime.date;         -
           month, day; year 0 = none    None for none

`args` are the accessor's arguments after the record (NOW: the time the
record was read, by its handle's clock, which crm_promise_is_overdue()
takes as CRM_TIME_NONE; not crm_now(), the system's clock, which a handle
opened with a clock of its own does not follow). `only` restricts a field
to one language, for a value the other language shows in another shape. `nullable` marks TEXT
that may be NULL (the stub's Optional[str]). `python_type` is the class
the crm package makes of the value (the stub's annotation).
"""

TEXT, WORD, TIME, BOOL, INT, INT64, UINT, FLAG, OPT_INT, DATE, REAL = (
    "text", "word", "time", "bool", "int", "int64", "uint", "flag", "opt_int", "date", "real")
KINDS = (TEXT, WORD, TIME, BOOL, INT, INT64, UINT, FLAG, OPT_INT, DATE, REAL)
NOW = "now"  # the time the record was read at: CRM_TIME_NONE in C
LANGUAGES = ("python", "lua")


class Field:
    def __init__(self, name, kind, accessor=None, *, names=None, bit=None, none=None,
                 parts=None, args=(), only=None, nullable=False, python_type=None):
        assert kind in KINDS, kind
        assert only in (None,) + LANGUAGES, only
        assert (names is not None) == (kind == WORD), name
        assert (bit is not None) == (kind == FLAG), name
        assert (none is not None) == (kind == OPT_INT), name
        assert (parts is not None) == (kind == DATE), name
        assert kind != DATE or only == "python", "Lua has no date type: " + name
        self.name = name
        self.kind = kind
        self.accessor = accessor
        self.names = names
        self.bit = bit
        self.none = none
        self.parts = parts
        self.args = tuple(args)
        self.only = only
        self.nullable = nullable
        self.python_type = python_type

    def accessors(self, record):
        """The C accessors the field reads."""
        if self.kind == DATE:
            return tuple(self.parts)
        return (self.accessor or f"crm_{record.name}_{self.name}",)

    def shown_in(self, language):
        return self.only in (None, language)


class Record:
    """A record type crm_<name>: its Python class (None: the binding gives
    a tuple, not a record object), whether Lua gives it a metatable
    ("crm.<name>", kept by the Lua layer), its fields in the order of the
    Python class's __slots__, and the accessors no field reads, each with
    the reason (`unread`: another accessor gives the same, better)."""

    def __init__(self, name, python_class, lua_metatable, fields, unread=None):
        self.name = name
        self.ctype = "crm_" + name
        self.python_class = python_class
        self.lua_metatable = lua_metatable
        self.fields = tuple(fields)
        self.unread = dict(unread or {})
        assert len({f.name for f in self.fields}) == len(self.fields), name

    def fields_of(self, language):
        return tuple(f for f in self.fields if f.shown_in(language))


RECORDS = (
    Record("customer", "Customer", True, (
        Field("id", TEXT),
        Field("name", TEXT),
        Field("kind", WORD, names="crm_customer_kind_name"),
        Field("created_at", TIME),
        Field("updated_at", TIME),
        Field("archived", BOOL, "crm_customer_is_archived"),
        Field("merged_from", TEXT, nullable=True),
        Field("owner", TEXT, nullable=True),
    )),
    Record("identity", "Identity", True, (
        Field("kind", TEXT),
        Field("value", TEXT),
        Field("key", TEXT),
        Field("customer_id", TEXT),
        Field("flags", UINT),
        Field("primary", FLAG, "crm_identity_flags", bit="CRM_IDENTITY_PRIMARY"),
        Field("verified", FLAG, "crm_identity_flags", bit="CRM_IDENTITY_VERIFIED"),
        Field("shared", FLAG, "crm_identity_flags", bit="CRM_IDENTITY_SHARED"),
        Field("created_at", TIME),
    )),
    Record("journal_entry", "JournalEntry", True, (
        Field("seq", INT64),
        Field("op", TEXT),
        Field("entity", TEXT),
        Field("entity_id", TEXT),
        Field("at", TIME),
        Field("actor", TEXT),
        Field("data", TEXT, nullable=True),
    )),
    Record("interaction", "Interaction", True, (
        Field("id", TEXT),
        Field("channel", TEXT, "crm_interaction_channel_name"),
        Field("direction", WORD, names="crm_direction_name"),
        Field("customer_id", TEXT),
        Field("occurred_at", TIME),
        Field("handled_by", TEXT, nullable=True),
        Field("reason", TEXT, nullable=True),
        Field("outcome", WORD, names="crm_outcome_name"),
        Field("public", BOOL, "crm_interaction_is_public"),
        Field("sentiment", OPT_INT, none="CRM_SENTIMENT_NONE"),
        Field("summary", TEXT, nullable=True),
        Field("body", TEXT, nullable=True),
        Field("thread_id", TEXT, nullable=True),
        Field("reply_to", TEXT, nullable=True),
        Field("external_ref", TEXT, nullable=True),
        Field("updated_at", TIME),
    ), unread={
        "crm_interaction_channel": "the channel is its word, built-in or the business's own "
                                   "(crm_interaction_channel_name); the enum says only "
                                   "CRM_CHANNEL_CUSTOM of a custom one",
    }),
    Record("member", "Member", True, (
        Field("org_id", TEXT),
        Field("person_id", TEXT),
        Field("role", TEXT, nullable=True),
        Field("org_name", TEXT),
        Field("person_name", TEXT),
        Field("since", TIME),
    )),
    Record("promise_event", "PromiseEvent", True, (
        Field("kind", WORD, names="crm_promise_event_kind_name"),
        Field("at", TIME),
        Field("actor", TEXT),
        Field("old_due", TIME),
        Field("new_due", TIME),
        Field("customer_agreed", BOOL),
        Field("interaction_id", TEXT, nullable=True),
        Field("note", TEXT, nullable=True),
    )),
    Record("promise", "Promise", True, (
        Field("id", TEXT),
        Field("what", TEXT),
        Field("state", WORD, names="crm_promise_state_name", python_type="PromiseState"),
        Field("customer_id", TEXT),
        Field("interaction_id", TEXT, nullable=True),
        Field("owner", TEXT),
        Field("due_at", TIME),
        Field("made_at", TIME),
        Field("closed_at", TIME),
        Field("kept_by", TEXT, nullable=True),
        Field("overdue", BOOL, "crm_promise_is_overdue", args=(NOW,)),
        Field("kept_late", BOOL, "crm_promise_was_kept_late"),
        Field("renegotiations", INT),
        Field("first_due_at", TIME),
    )),
    Record("occasion", "Occasion", True, (
        Field("id", TEXT),
        Field("kind", TEXT),
        Field("customer_id", TEXT),
        Field("yearly", BOOL, "crm_occasion_is_yearly"),
        Field("year", OPT_INT, none="0"),
        Field("month", INT),
        Field("day", INT),
        Field("lead_days", INT),
        Field("note", TEXT, nullable=True),
        Field("next_date", DATE, parts=("crm_occasion_next_year", "crm_occasion_next_month",
                                        "crm_occasion_next_day"), only="python"),
        Field("next_year", INT, only="lua"),
        Field("next_month", INT, only="lua"),
        Field("next_day", INT, only="lua"),
        Field("next_at", TIME),
        Field("years", INT),
    )),
    Record("agenda_item", "AgendaItem", True, (
        Field("kind", WORD, names="crm_agenda_kind_name"),
        Field("customer_id", TEXT),
        Field("customer_name", TEXT),
        Field("customer_owner", TEXT, nullable=True),
        Field("id", TEXT),
        Field("owner", TEXT, nullable=True),
        Field("since", TIME),
        Field("due_at", TIME),
        Field("waited", INT64),
        Field("score", INT64),
        Field("channel", TEXT, nullable=True),
        Field("why", TEXT),
    )),
    Record("attr", None, False, (
        Field("key", TEXT),
        Field("value", TEXT),
    )),
    Record("search_hit", "SearchHit", True, (
        Field("kind", WORD, names="crm_search_kind_name"),
        Field("customer_id", TEXT),
        Field("customer_name", TEXT),
        Field("record_id", TEXT, nullable=True),
        Field("key", TEXT, nullable=True),
        Field("field", TEXT),
        Field("snippet", TEXT),
        Field("rank", REAL),
    )),
    Record("consent", "Consent", True, (
        Field("id", TEXT),
        Field("customer_id", TEXT),
        Field("purpose", TEXT),
        Field("channel", TEXT, nullable=True),
        Field("granted", BOOL, "crm_consent_is_granted"),
        Field("at", TIME),
        Field("actor", TEXT),
        Field("interaction_id", TEXT, nullable=True),
        Field("note", TEXT, nullable=True),
        Field("recorded_at", TIME),
    )),
    Record("duplicate", "Duplicate", True, (
        Field("customer_id", TEXT),
        Field("customer_name", TEXT),
        Field("other_id", TEXT),
        Field("other_name", TEXT),
        Field("score", INT),
        Field("reasons", UINT),
        Field("attributes", INT),
    )),
)
