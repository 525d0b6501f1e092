"""libcrm for Python: customers, identities, the journal, interactions,
promises and occasions in one SQLite file.

A thin layer over the SWIG module ``crm._lowlevel`` that adds only idiom:
exceptions per status code (arranged like PEP 249), context managers, cursors
as iterators, keyword arguments, ``datetime`` for times, ``str`` in and out.
No business logic lives here: every rule is libcrm's.

    import crm
    with crm.open("shop.crm", actor="agent:alice") as db:
        ann = db.create_customer("Ann Example")
        db.add_identity(ann.id, "phone", "+1 415 555 0100")
        for entry in db.journal():
            print(entry.seq, entry.op)
"""

import collections as _collections
import collections.abc as _collections_abc
import datetime as _dt
import enum as _enum
import json as _json
import os as _os
import typing as _typing
import weakref as _weakref

# The package calls the extension, crm._crm, directly: crm._lowlevel's
# functions are Python functions around the same calls (one call more each).
# Importing _lowlevel registers its record and cursor classes with the
# extension, which the handles and cursors the package holds are made of.
from . import _crm as _ll
from . import _lowlevel  # noqa: F401

# What ``from crm import *`` binds: never a name of Python's builtins, which
# it would hide in the importing namespace (a notebook's open() would open
# a database). crm.open, crm.Warning and crm.IOError are reached through
# the module.
__all__ = [
    "Database", "Customer", "Identity", "JournalEntry", "Interaction",
    "Promise", "Occasion", "PromiseState", "Member", "PromiseEvent", "SearchHit", "Consent",
    "Error", "InterfaceError", "DatabaseError", "DataError",
    "OperationalError", "IntegrityError", "InternalError", "ProgrammingError",
    "NotSupportedError", "NotFound", "Exists", "Conflict", "InvalidArgument",
    "StateError", "Busy", "Corrupt", "NoMemory", "SchemaTooNew",
    "NotCrm", "Misuse", "ReadOnly", "Ambiguous", "AgendaItem",
    "Duplicate",
    "ImportResult", "BadRow",
    "Channel", "CustomChannel", "Direction", "Outcome", "CustomerKind",
]

SCHEMA_VERSION = _ll.crm_schema_version_max()
VERSION = _ll.CRM_VERSION_STRING if hasattr(_ll, "CRM_VERSION_STRING") else None
# the linked libcrm's version, which is also the distribution's (libcrm)
__version__ = _ll.crm_version()


# ---- the words the API takes, as types ---------------------------------------
# For annotations (the stub, __init__.pyi, spells them out for type
# checkers); the words are libcrm's, read from its _name calls.


def _named(name):
    """The words crm_<x>_name() gives, in the enum's order (NULL outside it)."""
    return tuple(w for w in map(name, range(65)) if w is not None)


#: A built-in channel's word ("phone", "email", ...).
Channel = _typing.Literal[_named(_ll.crm_channel_name)]
#: A business's own channel ([a-z][a-z0-9_]{0,31}: "whatsapp"), which the
#: API takes wherever it takes a Channel: CustomChannel("whatsapp") is the
#: str itself, marked for a type checker as meant rather than misspelt.
CustomChannel = _typing.NewType("CustomChannel", str)
Direction = _typing.Literal[_named(_ll.crm_direction_name)]
Outcome = _typing.Literal[_named(_ll.crm_outcome_name)]
#: and the spellings crm_customer_kind_parse() accepts besides
CustomerKind = _typing.Literal[_named(_ll.crm_customer_kind_name) + ("organization", "org")]

# ---- exceptions (PEP 249's tree; one class per libcrm code) -----------------


class Warning(Exception):  # noqa: A001 - PEP 249 name
    """PEP 249's Warning; libcrm raises none."""


class Error(Exception):
    """Every libcrm failure. ``code`` is the negative status (crm.ENOTFOUND,
    ...), ``name`` its symbolic name, ``message`` libcrm's sentence."""

    def __init__(self, code, message):
        super().__init__(code, message)
        self.code = code
        self.name = _ll.crm_errname(code)
        self.message = message

    def __str__(self):
        return self.message


class InterfaceError(Error):
    """PEP 249's InterfaceError: the API was used wrongly (see Misuse)."""


class DatabaseError(Error):
    """PEP 249's DatabaseError: a failure of the database or its data."""


class DataError(DatabaseError):
    """PEP 249's DataError: bad data (see InvalidArgument)."""


class OperationalError(DatabaseError):
    """PEP 249's OperationalError: busy, I/O, memory, read-only."""


class IntegrityError(DatabaseError):
    """PEP 249's IntegrityError: a conflict or a forbidden state change."""


class InternalError(DatabaseError):
    """PEP 249's InternalError; CRM_ERROR: an unexpected internal failure."""


class ProgrammingError(DatabaseError):
    """PEP 249's ProgrammingError (see NotFound)."""


class NotSupportedError(DatabaseError):
    """PEP 249's NotSupportedError (see SchemaTooNew)."""


class NotFound(ProgrammingError):
    """CRM_ENOTFOUND: no such customer, identity, ..."""


class Conflict(IntegrityError):
    """CRM_EEXISTS: already exists; ``conflict_id`` names the owner when
    libcrm knows it (an identity's customer, an interaction's duplicate)."""

    conflict_id = None


Exists = Conflict


class InvalidArgument(DataError):
    """CRM_EINVAL: bad argument (malformed id, bad UTF-8, too long, ...)."""


class StateError(IntegrityError):
    """CRM_ESTATE: the change is not allowed in the current state."""


class Busy(OperationalError):
    """CRM_EBUSY: another writer held the file past the busy timeout."""


class IOError(OperationalError):  # noqa: A001 - libcrm's CRM_EIO
    """CRM_EIO: the file could not be opened, read or written."""


class Corrupt(DatabaseError):
    """CRM_ECORRUPT: the database file is damaged."""


class NoMemory(OperationalError):
    """CRM_ENOMEM: out of memory."""


class SchemaTooNew(NotSupportedError):
    """CRM_ESCHEMA: the file was written by a newer libcrm."""


class NotCrm(DatabaseError):
    """CRM_ENOTCRM: not a libcrm database (or not SQLite at all)."""


class Misuse(InterfaceError):
    """CRM_EMISUSE: the API was used wrongly (a closed database, ...)."""


class ReadOnly(OperationalError):
    """CRM_EREADONLY: a write on a database opened read-only."""


class Ambiguous(ProgrammingError):
    """CRM_EAMBIGUOUS: what was given names several customers where one was
    wanted (a shared identity, a text that is two customers' identities);
    ``holders()`` and ``resolve_all()`` list them."""


_ERRORS = {
    _ll.CRM_ERROR: InternalError,
    _ll.CRM_ENOTFOUND: NotFound,
    _ll.CRM_EEXISTS: Conflict,
    _ll.CRM_EINVAL: InvalidArgument,
    _ll.CRM_ESTATE: StateError,
    _ll.CRM_EBUSY: Busy,
    _ll.CRM_EIO: IOError,
    _ll.CRM_ECORRUPT: Corrupt,
    _ll.CRM_ENOMEM: NoMemory,
    _ll.CRM_ESCHEMA: SchemaTooNew,
    _ll.CRM_ENOTCRM: NotCrm,
    _ll.CRM_EMISUSE: Misuse,
    _ll.CRM_EREADONLY: ReadOnly,
    _ll.CRM_EAMBIGUOUS: Ambiguous,
}
_ll.crm_swig_set_errors(_ERRORS)

# the codes, as module constants (crm.ENOTFOUND == -2)
for _code in _ERRORS:
    globals()[_ll.crm_errname(_code)] = _code
del _code


def _misuse(message):
    return Misuse(_ll.CRM_EMISUSE, message)


def _invalid(message):
    return InvalidArgument(_ll.CRM_EINVAL, message)


# ---- times --------------------------------------------------------------
# libcrm keeps times from 0001-01-01 to 9999-12-31 UTC, datetime's own
# years. In, a time is an aware datetime or epoch milliseconds in that
# range; None is "no time" (CRM_TIME_NONE: now for occurred_at, no bound for
# a filter). Out, it is an aware datetime, or None where there is no time
# (a promise's closed_at while open): the binding builds it in C with the
# record (crm_swig_time, bindings/python/records.i).

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
TIME_MIN = -62135596800000  # CRM_TIME_MIN, 0001-01-01T00:00:00Z, in ms
TIME_MAX = 253402300799999  # CRM_TIME_MAX, 9999-12-31T23:59:59.999Z
_TIME_NONE = -(2 ** 63)     # CRM_TIME_NONE


def _to_ms(value, what="time"):
    """An aware datetime or epoch milliseconds (int) to epoch ms; None to
    CRM_TIME_NONE. crm.InvalidArgument for a time libcrm does not keep."""
    if value is None:
        return _TIME_NONE
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise _invalid(f"{what}: naive datetime {value!r}; give an aware one "
                           "(e.g. tzinfo=datetime.timezone.utc)")
        ms = (value - _EPOCH) // _dt.timedelta(milliseconds=1)
    elif isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}: expected an aware datetime or epoch milliseconds, "
                        f"got {type(value).__name__}")
    else:
        ms = value
    if not TIME_MIN <= ms <= TIME_MAX:
        raise _invalid(f"{what}: {value!r} is not a time libcrm keeps (0001-01-01 to "
                       "9999-12-31 UTC; as epoch ms, crm.TIME_MIN to crm.TIME_MAX)")
    return ms


def _str(value, what):
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{what}: expected str, got {type(value).__name__}")


# ---- whole numbers --------------------------------------------------------
# Every int the package gives libcrm is checked here against the range of
# the C parameter it goes to (SWIG would raise OverflowError past it), and
# against libcrm's own bounds where the package documents them: a wrong
# type is a TypeError, a value out of range crm.InvalidArgument (the rules
# are docs/python.md's "Arguments"). Times are _to_ms's.

_INT = (-2**31, 2**31 - 1)          # C int
_UINT = (0, 2**32 - 1)              # C unsigned int
_INT64 = (-2**63, 2**63 - 1)        # C int64_t
_SENTIMENT = (-2, 2)                # 99, CRM_SENTIMENT_NONE, is None's
_SENTIMENT_NONE = _ll.CRM_SENTIMENT_NONE
_BUSY_TIMEOUT_MAX = _INT[1] / 1000  # seconds, as C's int of milliseconds


def _int(value, what, lo, hi):
    """An int (not a bool) in lo..hi."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}: expected an int, got {type(value).__name__}")
    if not lo <= value <= hi:
        raise _invalid(f"{what}: {value} is out of range ({lo}..{hi})")
    return value


# ---- records: plain objects, copied out of the C records ---------------
#
# The binding copies a record in one call, in C, with each field converted
# (times as datetimes, flags as bools, a promise's state as a PromiseState).
# The classes below are given to the extension once (below them), which
# then makes their instances itself: a cursor makes each row one, its slots
# filled in C; the other _* calls (bindings/crm.i) return a tuple of the
# fields, which the class's maker (_customer, ...; C, one call) moves into
# a new record. Each record's fields, and so each class's __slots__, are
# declared once, in bindings/records.py; _lowlevel._RECORD_FIELDS is the
# tuples' layout, made from it with the C that fills them. The classes'
# constructors take a low-level record (as crm._lowlevel returns them) and
# copy it the same way.

_FIELDS = _lowlevel._RECORD_FIELDS


class _Record:
    __slots__ = ()

    def __init__(self, low):
        for name, value in zip(self.__slots__, type(self)._row(low)):
            setattr(self, name, value)

    def __repr__(self):
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__[:3])
        return f"<crm.{type(self).__name__} {fields}>"

    def __eq__(self, other):
        return type(self) is type(other) and all(
            getattr(self, k) == getattr(other, k) for k in self.__slots__)

    __hash__ = None


class Customer(_Record):
    """A customer: ``id``, ``kind`` ("person"/"organisation"), ``name``,
    ``created_at``, ``updated_at`` (aware datetimes), ``archived``,
    ``owner`` (who looks after it, or None)."""

    __slots__ = _FIELDS["customer"]
    _row = _ll._customer_row


class Identity(_Record):
    """An identity as one customer holds it: ``kind``, ``value`` (as
    entered), ``key`` (normalised), ``customer_id``, ``primary``,
    ``verified``, ``shared``, ``created_at``."""

    __slots__ = _FIELDS["identity"]
    _row = _ll._identity_row


class JournalEntry(_Record):
    """One journal row: ``seq``, ``at``, ``actor``, ``entity``, ``entity_id``,
    ``op``, ``data`` (JSON text)."""

    __slots__ = _FIELDS["journal_entry"]
    _row = _ll._journal_entry_row


class Interaction(_Record):
    """An interaction; ``channel``, ``direction``, ``outcome`` are names
    ("phone" or the business's own "whatsapp", "in", "resolved");
    ``sentiment`` is -2..2 or None."""

    __slots__ = _FIELDS["interaction"]
    _row = _ll._interaction_row


class Member(_Record):
    """A membership: a person in an organisation, with a role."""

    __slots__ = _FIELDS["member"]
    _row = _ll._member_row


class PromiseEvent(_Record):
    """One event of a promise's history; ``kind`` is "made", "renegotiated", ..."""

    __slots__ = _FIELDS["promise_event"]
    _row = _ll._promise_event_row


def _words(name):
    """The words libcrm has for an enum, in the order of its values (which
    are consecutive, from 0 or 1): what its _name call gives for each."""
    first = 0 if name(0) is not None else 1
    words = []
    while (word := name(first + len(words))) is not None:
        words.append(word)
    return words


# A promise's state. Its members are libcrm's words (crm_promise_state_name).
PromiseState = _enum.Enum("PromiseState",
                          [(w.upper(), w) for w in _words(_ll.crm_promise_state_name)],
                          type=str, module=__name__, qualname="PromiseState")
PromiseState.__doc__ = ("A promise's state; a ``str`` enum (\"open\", \"kept\", \"broken\", "
                        "\"released\").")


class Promise(_Record):
    """A promise: ``state`` is a PromiseState; ``overdue`` is computed by
    libcrm as of the moment the record was read, by the handle's clock
    (the rows of ``promises()``: as of when the list was opened)."""

    __slots__ = _FIELDS["promise"]
    _row = _ll._promise_row


class Occasion(_Record):
    """An occasion (birthday, renewal, ...) and its next occurrence."""

    __slots__ = _FIELDS["occasion"]
    _row = _ll._occasion_row


class AgendaItem(_Record):
    """An item of the agenda: ``kind`` ("promise_overdue", "promise_due",
    "contact_waiting", "occasion"), the customer, the item's ``id``, how
    long it has ``waited`` and its ``score`` (ms), and ``why`` in words."""

    __slots__ = _FIELDS["agenda_item"]
    _row = _ll._agenda_item_row
class SearchHit(_Record):
    """A record a search found: ``kind`` ("customer", "identity",
    "attribute", "interaction", "promise"), the customer, ``record_id``
    (an interaction's or promise's id, else None), ``key`` (an identity's
    kind or an attribute's key, else None), ``field`` (which text matched),
    ``snippet`` and ``rank`` (lower is better)."""

    __slots__ = _FIELDS["search_hit"]
    _row = _ll._search_hit_row


_ll.crm_swig_set_word_class("PromiseState", PromiseState)
_customer = _ll.crm_swig_set_record_class("customer", Customer)
_identity = _ll.crm_swig_set_record_class("identity", Identity)
_journal_entry = _ll.crm_swig_set_record_class("journal_entry", JournalEntry)
_interaction = _ll.crm_swig_set_record_class("interaction", Interaction)
_member = _ll.crm_swig_set_record_class("member", Member)
_promise_event = _ll.crm_swig_set_record_class("promise_event", PromiseEvent)
_occasion = _ll.crm_swig_set_record_class("occasion", Occasion)
_promise = _ll.crm_swig_set_record_class("promise", Promise)
_agenda_item = _ll.crm_swig_set_record_class("agenda_item", AgendaItem)
_ll.crm_swig_set_record_class("search_hit", SearchHit)


class Consent(_Record):
    """An event of a customer's consent ledger: ``granted`` (True) or
    withdrawn, for ``purpose`` on ``channel`` (None: every channel), said
    ``at`` and recorded at ``recorded_at`` by ``actor``, during
    ``interaction_id`` (or None), with an optional ``note``."""

    __slots__ = _FIELDS["consent"]
    _row = _ll._consent_row


_consent = _ll.crm_swig_set_record_class("consent", Consent)
class Duplicate(_Record):
    """A pair of customers that may be one: ``customer_id`` and
    ``customer_name`` (the customer asked about, else the older),
    ``other_id`` and ``other_name``, the ``score`` (at most 100), the
    ``reasons`` as bits (1 name, 2 email_domain, 4 phone_suffix, 8
    organisation, 16 attribute, 32 identity: crm_duplicate_reason_t), and
    how many named ``attributes`` the two share."""

    __slots__ = _FIELDS["duplicate"]
    _row = _ll._duplicate_row


_ll.crm_swig_set_record_class("duplicate", Duplicate)
# What an import did (Database.import_csv() ...): counts, and each row left
# out with its place (line and column, 1-based), code ("EINVAL") and message.
BadRow = _collections.namedtuple("BadRow", "line column code message")
ImportResult = _collections.namedtuple(
    "ImportResult", "created updated unchanged skipped records errors")


_PRIMARY = _ll.CRM_IDENTITY_PRIMARY
_VERIFIED = _ll.CRM_IDENTITY_VERIFIED
_SHARED = _ll.CRM_IDENTITY_SHARED


def _identity_flags(primary, verified, shared):
    """The CRM_IDENTITY_* bits of the keyword arguments."""
    return (_PRIMARY if primary else 0) | (_VERIFIED if verified else 0) | \
        (_SHARED if shared else 0)


# ---- cursors --------------------------------------------------------------


class _Cursor(_ll.Cursor):
    """An iterator over a libcrm cursor (crm._crm.Cursor: each row is read
    and made a record in C). The C cursor is freed when the iteration ends,
    on close(), when the database closes, or when the iterator is
    garbage-collected (before it lets go of the database: left to the
    collector, the database's handle could go first, and crm_close() would
    refuse it, a cursor still open, leaking it with its files and any open
    transaction, and other writers would get crm.Busy for good)."""

    def __init__(self, db, handle):
        db._cursors.add(self)

    def close(self):
        """Free the C cursor now (idempotent)."""
        if self._h is not None:
            _ll.Cursor.close(self)
            self._db._cursors.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---- reports --------------------------------------------------------------

# The reports by name, each with its libcrm opening call (crm/report.h).
_REPORTS = ("reasons", "repeats", "fcr", "handover", "keep_rate", "channel_mix")
# Each report's row class: a named tuple of its columns, made the first time
# the report is read, named from libcrm's own column names.
_REPORT_ROWS = {}


class _ReportCursor:
    """An iterator over a report's rows, each a named tuple of its columns
    (``row.reason``, ``row.contacts``; ``row._fields`` names them all):
    TEXT a str, INT an int, REAL a float, TIME a datetime; NULL None. The C
    cursor is freed at the end of the iteration, on close(), or when the
    database closes."""

    def __init__(self, db, name, handle):
        self._db = db
        self._h = handle
        row = _REPORT_ROWS.get(name)
        if row is None:
            n = _ll.crm_report_column_count(handle)
            fields = tuple(_ll.crm_report_column_name(handle, i) for i in range(n))
            row = _REPORT_ROWS[name] = _collections.namedtuple(
                "".join(w.capitalize() for w in name.split("_")) + "Row", fields)
        self._make = row._make
        db._cursors.add(self)

    @property
    def columns(self):
        """The names of the report's columns, in order."""
        return self._make.__self__._fields

    def __iter__(self):
        return self

    def __next__(self):
        if self._h is None:
            raise StopIteration
        t = _ll._report_next(self._h)
        if t is None:
            self.close()
            raise StopIteration
        return self._make(t)

    def close(self):
        """Free the C cursor now (idempotent)."""
        h, self._h = self._h, None
        if h is not None:
            self._db._cursors.discard(self)
            _ll.crm_report_cursor_free(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---- the database ---------------------------------------------------------

class _Names(dict):
    """Names ("phone") to codes through libcrm's own _parse call, each name
    parsed once: the call is a function of the name alone, and a write
    should not pay a call into C per name it is given. A name libcrm
    refuses raises crm.InvalidArgument with libcrm's message, and is not
    kept. The package keeps no names of its own."""

    __slots__ = ("_parse",)

    def __init__(self, parse):
        super().__init__()
        self._parse = parse

    def __missing__(self, name):
        code = self[name] = self._parse(name)
        return code


_KIND = _Names(_ll.crm_customer_kind_parse)
_ARCHIVED = _Names(_ll.crm_archived_filter_parse)
_ORDER = _Names(_ll.crm_customer_order_parse)
_DURABILITY = _Names(_ll.crm_durability_parse)
_DIRECTION = _Names(_ll.crm_direction_parse)
_OUTCOME = _Names(_ll.crm_outcome_parse)
_STATE = _Names(_ll.crm_promise_state_parse)
_PERIOD = _Names(_ll.crm_report_period_parse)
_AGENDA_KIND = _Names(_ll.crm_agenda_kind_parse)
_SEARCH_KIND = _Names(_ll.crm_search_kind_parse)
_RECORD = _Names(_ll.crm_record_parse)


def _enum_parse(names, value, what):
    """A name ("phone") as libcrm's code for it (``names``: a _Names)."""
    if not isinstance(value, str):
        raise TypeError(f"{what}: expected str, got {type(value).__name__}")
    return names[value]


def _archived(value):
    """The archived filter: a name, or True (both) / False (active only)."""
    if value is True or value is False:
        return _ll.CRM_ARCHIVED_INCLUDE if value else _ll.CRM_ARCHIVED_EXCLUDE
    if not isinstance(value, str):
        raise TypeError(f"archived: expected bool or str, got {type(value).__name__}")
    return _ARCHIVED[value]


def _words(values, what):
    """A word or an iterable of words as a tuple, each checked to be a str.
    bytes are refused whole: iterating them gives numbers, and an empty
    one would pass as no words at all."""
    if isinstance(values, str):
        return (values,)
    if isinstance(values, (bytes, bytearray, memoryview)) or \
            not isinstance(values, _collections_abc.Iterable):
        raise TypeError(f"{what}: expected a word (str) or an iterable of them, "
                        f"got {type(values).__name__}")
    values = tuple(values)
    for v in values:
        _str(v, what)
    return values


def _word_list(values, what):
    """A word or an iterable of words as a tuple of str (None: None), each
    passed whole for libcrm to judge."""
    return None if values is None else _words(values, what)


def _bits(names, values, what):
    if values is None:
        return 0
    bits = 0
    for v in _words(values, what):
        bits |= 1 << _enum_parse(names, v, what)
    return bits


def _ref(cls):
    """The helper reading an argument that names a ``cls`` record: the
    record itself (its id is taken) or its id, a str; None passes as C's
    NULL (libcrm refuses it where the id is required)."""
    def ref(value, what):
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, cls):
            return value.id
        raise TypeError(f"{what}: expected a crm.{cls.__name__} or its id (str), "
                        f"got {type(value).__name__}")
    ref.__name__ = f"_{cls.__name__.lower()}_ref"
    return ref


def _timeline_filter(channels, from_, to, reason_prefix, direction, public_only, outcomes,
                     before, limit):
    """The timeline filter's fields, in crm_swig_timeline_open's (and
    crm_swig_thread_open's) order after the customer's or interaction's id;
    channels by word (built-in or the business's own), as a list."""
    d = 0 if direction is None else _enum_parse(_DIRECTION, direction, "direction")
    return (0, _to_ms(from_, "from_"), _to_ms(to, "to"), _str(reason_prefix, "reason_prefix"),
            d, 1 if public_only else 0, _bits(_OUTCOME, outcomes, "outcomes"),
            _interaction_ref(before, "before"), _int(limit, "limit", *_UINT),
            _word_list(channels, "channels"))


_customer_ref = _ref(Customer)
_interaction_ref = _ref(Interaction)
_promise_ref = _ref(Promise)
_occasion_ref = _ref(Occasion)


def open(path, *, actor=None, create=True, readonly=False, busy_timeout=5.0,  # noqa: A001
         durability="full", default_country=None, redact=False, group_access=False,
         clock=None):
    """Open (by default creating) the customer database at ``path``
    (":memory:" for a private in-memory one). Returns a Database, usable as
    a context manager that closes it. ``busy_timeout`` is in seconds.
    ``redact=True`` keeps personal values out of error messages (for
    programs whose messages the public may see); ``group_access=True``
    creates a new file readable and writable by its group too (mode 0660,
    not 0600).

    ``clock`` is the handle's clock: a callable taking no argument that
    returns the time now, an aware datetime or epoch milliseconds (int),
    read wherever libcrm needs the time now (the times a change records,
    "now" for overdue promises, the agenda, the reports' windows); None is
    the system's. It is called while a call holds the handle, so it must
    not use this Database. A value that is not a time, or one before 1970
    or after 9999, fails the call with crm.Misuse, as does an exception in
    the clock, which becomes that error's ``__cause__``."""
    if clock is not None and not callable(clock):
        raise TypeError(f"clock: expected a callable, got {type(clock).__name__}")
    if not isinstance(path, str):
        path = __import__("os").fsdecode(path)
    flags = (_ll.CRM_OPEN_CREATE if create else 0) | (_ll.CRM_OPEN_READONLY if readonly else 0) | \
        (_ll.CRM_OPEN_REDACT if redact else 0) | (_ll.CRM_OPEN_GROUP_ACCESS if group_access else 0)
    if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, (int, float)):
        raise TypeError("busy_timeout: expected seconds as an int or float, got "
                        f"{type(busy_timeout).__name__}")
    if not 0 <= busy_timeout <= _BUSY_TIMEOUT_MAX:  # NaN too
        raise _invalid(f"busy_timeout: {busy_timeout!r} s is out of range "
                       f"(0..{_BUSY_TIMEOUT_MAX} s)")
    tick = None if clock is None else _clock(clock)
    handle = _ll.crm_swig_open_clocked(path, flags, int(busy_timeout * 1000),
                                       _enum_parse(_DURABILITY, durability, "durability"),
                                       _str(actor, "actor"),
                                       _str(default_country, "default_country"), tick)
    return Database(handle, tick)


def _clock(clock):
    """The callable the C clock calls: the program's clock's time as epoch
    milliseconds (an int the C side reads as int64)."""
    def tick():
        ms = _to_ms(clock(), "clock")
        if ms == _TIME_NONE:
            raise TypeError("clock: returned None, not a time")
        return ms
    return tick


# The methods a program calls once per row of its own (create_customer,
# add_identity, lookup, customer, log, timeline, promise, keep) first try
# the case of every argument given plainly: the database open, each text a
# str, each optional one left out. That case needs no conversion, so it is one test
# in place of a helper call per argument; any other case takes the checked
# path below it, which makes the same call of what the fast path takes.
class Database:
    """An open customer database (one thread at a time). Close it with
    close() or a ``with`` block; afterwards every call raises crm.Misuse.

    Wherever a call takes the id of a customer, an interaction, a promise or
    an occasion, the record (Customer, Interaction, Promise, Occasion) does
    as well. A wrong type raises TypeError; a value of the right type that
    is refused (out of range, unknown name, text holding a NUL character)
    raises crm.InvalidArgument."""

    def __init__(self, handle, clock=None):
        # The handle's SWIG object itself rather than its proxy: the
        # extension reads it without looking it up in the proxy's __dict__.
        self._handle = getattr(handle, "this", handle)
        # The clock the handle calls (borrowed by C): alive while it is.
        self._clock = clock
        self._cursors = _weakref.WeakSet()

    # -- lifetime --
    @property
    def _h(self):
        if self._handle is None:
            raise _misuse("the database is closed")
        return self._handle

    @property
    def closed(self):
        """True once close() has run."""
        return self._handle is None

    def close(self):
        """Close (idempotent). Open cursors are closed first; an open
        transaction is rolled back."""
        if self._handle is None:
            return
        for cur in list(self._cursors):
            cur.close()
        h, self._handle = self._handle, None
        _ll.crm_close(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<crm.Database closed>" if self.closed else f"<crm.Database actor={self.actor!r}>"

    # -- settings --
    @property
    def actor(self):
        """Who makes the following changes ("agent:alice"); None = "system"."""
        return _ll.crm_actor(self._h)

    @actor.setter
    def actor(self, value):
        _ll.crm_set_actor(self._h, _str(value, "actor"))

    @property
    def default_country(self):
        """The country national phone numbers are read in ("US"), or None:
        the one this handle was opened with, else the one kept in the file.
        Setting it keeps it in the file for every program that opens it
        (None removes it); a handle opened with ``default_country`` keeps
        reading in its own."""
        return _ll.crm_default_country(self._h)

    @default_country.setter
    def default_country(self, value):
        _ll.crm_default_country_set(self._h, _str(value, "default_country"))

    @property
    def schema_version(self):
        """The schema version of the open file."""
        return _ll.crm_schema_version(self._h)

    def expand_id(self, record, prefix):
        """The full id of the one ``record`` ("customer", "interaction",
        "promise" or "occasion") whose id starts with ``prefix``: at least
        four hexadecimal digits, with or without the hyphens. Raises
        crm.NotFound when none does, crm.Ambiguous when several do (the
        message names them), crm.InvalidArgument for a prefix that is none."""
        return _ll.crm_id_expand(self._h, _enum_parse(_RECORD, record, "record"),
                                 _str(prefix, "prefix"))

    # -- transactions --
    @property
    def in_transaction(self):
        """True while a transaction opened with begin() is open."""
        return bool(_ll.crm_in_transaction(self._h))

    def begin(self):
        """Group the following writes into one transaction (crm.StateError if
        one is already open; crm.ReadOnly; crm.Busy). Prefer transaction()."""
        _ll.crm_begin(self._h)

    def commit(self):
        """Commit the transaction opened by begin(). crm.StateError if none is
        open, or if SQLite already rolled it back after a failure (then call
        rollback())."""
        _ll.crm_commit(self._h)

    def rollback(self):
        """Undo everything since begin(). crm.StateError if no transaction is open."""
        _ll.crm_rollback(self._h)

    def transaction(self):
        """``with db.transaction():`` commits at the end of the block, or
        rolls back if it raises."""
        return _Transaction(self)

    # -- customers --
    def create_customer(self, name, *, kind="person"):
        """Create a customer; ``kind`` is "person" or "organisation". ``name``:
        1..CRM_NAME_MAX bytes, no control characters or spaces at either end.
        Returns the new Customer; crm.InvalidArgument for a bad kind or name."""
        h = self._handle
        if h is not None and type(name) is str and type(kind) is str:
            return _customer(_ll._customer_create(h, _KIND[kind], name))
        return _customer(_ll._customer_create(self._h, _enum_parse(_KIND, kind, "kind"),
                                              _str(name, "name")))

    def customer(self, id):  # noqa: A002
        """The customer with this id (or the current state of a Customer);
        crm.NotFound if none."""
        h = self._handle
        if h is None or type(id) is not str:
            h, id = self._h, _customer_ref(id, "id")
        return _customer(_ll._customer_get(h, id))

    get_customer = customer

    def rename_customer(self, id, name):  # noqa: A002
        """Change a customer's display name (``id``: a Customer or its id) and
        return the renamed Customer. crm.NotFound; crm.InvalidArgument."""
        return _customer(_ll._customer_rename(self._h, _customer_ref(id, "id"),
                                              _str(name, "name")))

    def archive_customer(self, id):  # noqa: A002
        """Archive a customer: hidden from lists unless asked for, still found
        by id and by identity. Returns the archived Customer. crm.StateError
        if already archived; crm.NotFound."""
        return _customer(_ll._customer_archive(self._h, _customer_ref(id, "id")))

    def unarchive_customer(self, id):  # noqa: A002
        """Undo archive_customer(); returns the Customer. crm.StateError if not
        archived; crm.NotFound."""
        return _customer(_ll._customer_unarchive(self._h, _customer_ref(id, "id")))

    def set_customer_owner(self, id, owner):  # noqa: A002
        """Say who looks after a customer: an account manager or a team
        ("agent:alice", "team:billing"; 1..CRM_ACTOR_MAX bytes, no control
        characters or spaces at either end), or None for no one. Journaled
        with the old owner; returns the Customer. crm.NotFound;
        crm.InvalidArgument."""
        return _customer(_ll._customer_set_owner(self._h, _customer_ref(id, "id"),
                                                 _str(owner, "owner")))

    def customers(self, *, kind=None, tag=None, name_prefix=None, archived=False,
                  created_from=None, created_to=None, after=None, limit=0, order="created",
                  owner=None):
        """Iterate over customers. ``archived``: False (default), True (both),
        or "only"; ``order``: "created" or "name"; ``after``: the last
        Customer (or id) of the previous page; ``limit``: at most this many
        (0..2**32-1, 0 = all); ``owner``: only the customers this owner looks
        after (None: any)."""
        k = 0 if kind is None else _enum_parse(_KIND, kind, "kind")
        h = _ll.crm_swig_customer_list_open(
            self._h, k, _str(tag, "tag"), _str(name_prefix, "name_prefix"),
            _archived(archived),
            _to_ms(created_from, "created_from"), _to_ms(created_to, "created_to"),
            _customer_ref(after, "after"), _int(limit, "limit", *_UINT),
            _enum_parse(_ORDER, order, "order"), _str(owner, "owner"))
        return _Cursor(self, h)

    def count_customers(self, *, kind=None, tag=None, name_prefix=None, archived=False,
                        created_from=None, created_to=None, owner=None):
        """How many customers ``customers()`` lists with the same filter
        (paging aside), counted in one query."""
        k = 0 if kind is None else _enum_parse(_KIND, kind, "kind")
        return _ll.crm_swig_customer_count(
            self._h, k, _str(tag, "tag"), _str(name_prefix, "name_prefix"), _archived(archived),
            _to_ms(created_from, "created_from"), _to_ms(created_to, "created_to"),
            _str(owner, "owner"))

    # -- attributes and tags --
    def set_attr(self, id, key, value):  # noqa: A002
        """Set attribute ``key`` (1..CRM_ATTR_KEY_MAX bytes of [A-Za-z0-9_.:-])
        to ``value`` (UTF-8 text), replacing any old value. crm.NotFound (no
        such customer); crm.InvalidArgument."""
        _ll.crm_attr_set(self._h, _customer_ref(id, "id"), _str(key, "key"),
                                  _str(value, "value"))

    def attr(self, id, key):  # noqa: A002
        """Read an attribute. crm.NotFound if the customer or the attribute does
        not exist."""
        return _ll.crm_attr_get(self._h, _customer_ref(id, "id"), _str(key, "key"))

    def unset_attr(self, id, key):  # noqa: A002
        """Remove an attribute. crm.NotFound if it is not set."""
        _ll.crm_attr_unset(self._h, _customer_ref(id, "id"), _str(key, "key"))

    def verify(self, customer_id, key, answer):
        """Whether ``answer`` matches the customer's attribute ``key`` (what
        only the customer knows: "date_of_birth", "postcode"), ignoring
        ASCII case and whitespace. Wrong answers are counted in the file:
        after CRM_VERIFY_MAX_FAILURES within CRM_VERIFY_WINDOW_MS the
        customer is locked, and this raises crm.StateError saying until
        when. crm.NotFound (customer, or no such attribute);
        crm.InvalidArgument; crm.ReadOnly."""
        return bool(_ll.crm_customer_verify(self._h, _customer_ref(customer_id, "customer_id"),
                                            _str(key, "key"), _str(answer, "answer")))

    def attrs(self, id):  # noqa: A002
        """A dict of the customer's attributes."""
        h = _ll.crm_attr_list_open(self._h, _customer_ref(id, "id"))
        return dict(_Cursor(self, h))

    def add_tag(self, id, tag):  # noqa: A002
        """Tag a customer (tags match exactly; case matters). crm.Conflict if
        the customer already has it; crm.NotFound; crm.InvalidArgument."""
        _ll.crm_tag_add(self._h, _customer_ref(id, "id"), _str(tag, "tag"))

    def remove_tag(self, id, tag):  # noqa: A002
        """Remove a tag. crm.NotFound if the customer does not have it."""
        _ll.crm_tag_remove(self._h, _customer_ref(id, "id"), _str(tag, "tag"))

    def tags(self, id):  # noqa: A002
        """A list of the customer's tags in byte order. crm.NotFound."""
        h = _ll.crm_tag_list_open(self._h, _customer_ref(id, "id"))
        return list(_Cursor(self, h))

    # -- memberships --
    def add_member(self, org_id, person_id, role):
        """Make a person a member of an organisation with a role (e.g. "billing
        contact"). crm.NotFound (either id); crm.InvalidArgument (org_id is not
        an organisation or person_id not a person, bad role); crm.Conflict
        (already a member)."""
        _ll.crm_member_add(self._h, _customer_ref(org_id, "org_id"),
                           _customer_ref(person_id, "person_id"), _str(role, "role"))

    def remove_member(self, org_id, person_id):
        """End a membership. crm.NotFound if there is none."""
        _ll.crm_member_remove(self._h, _customer_ref(org_id, "org_id"),
                              _customer_ref(person_id, "person_id"))

    def members(self, id):  # noqa: A002
        """An organisation's people, or the organisations a person belongs to."""
        h = _ll.crm_member_list_open(self._h, _customer_ref(id, "id"))
        return _Cursor(self, h)

    # -- identities --
    def set_identity_flags(self, customer_id, kind, value, *, primary=False, verified=False,
                           shared=False):
        """Replace the flags of a customer's identity (primary, verified,
        shared) and return the Identity. crm.NotFound (no such customer, or
        not theirs); crm.Conflict when it stops being shared while others
        hold it (``conflict_id`` names one); crm.InvalidArgument."""
        return _identity(_ll._identity_set_flags(
            self._h, _customer_ref(customer_id, "customer_id"), _str(kind, "kind"),
            _str(value, "value"), _identity_flags(primary, verified, shared)))

    def add_identity(self, customer_id, kind, value, *, primary=False, verified=False,
                     shared=False):
        """Add an identity (phone, email, handle, ...) to a customer and return
        it. A primary identity takes the flag from the customer's other
        identities of the same kind; a shared one may be held by other
        customers who hold it shared too (a family landline). crm.Conflict if
        the identity already belongs to a customer and is not shared by all
        (``conflict_id`` names one); crm.NotFound; crm.InvalidArgument."""
        h = self._handle
        if h is not None and type(customer_id) is str and type(kind) is str and \
                type(value) is str:
            return _identity(_ll._identity_add(
                h, customer_id, kind, value,
                (_PRIMARY if primary else 0) | (_VERIFIED if verified else 0) |
                (_SHARED if shared else 0)))
        return _identity(_ll._identity_add(self._h, _customer_ref(customer_id, "customer_id"),
                                           _str(kind, "kind"), _str(value, "value"),
                                           _identity_flags(primary, verified, shared)))

    def lookup(self, kind, value):
        """The customer an identity belongs to, by any form of the value.
        crm.NotFound; crm.Ambiguous when several customers share it."""
        h = self._handle
        if h is None or type(kind) is not str or type(value) is not str:
            h, kind, value = self._h, _str(kind, "kind"), _str(value, "value")
        return _customer(_ll._identity_lookup(h, kind, value))

    def holders(self, kind, value):
        """Iterate over the customers holding an identity, by id: none, one,
        or each holder of a shared value. crm.InvalidArgument."""
        h = _ll.crm_customer_holders_open(self._h, _str(kind, "kind"), _str(value, "value"))
        return _Cursor(self, h)

    def identity(self, customer_id, kind, value):
        """Fetch a customer's identity by kind and any form of its value.
        crm.NotFound (no such customer, or not theirs); crm.InvalidArgument."""
        return _identity(_ll._identity_get(self._h, _customer_ref(customer_id, "customer_id"),
                                           _str(kind, "kind"), _str(value, "value")))

    def remove_identity(self, customer_id, kind, value):
        """Remove a customer's identity, named by any form of its value; other
        holders of a shared one keep theirs. crm.NotFound; crm.InvalidArgument."""
        _ll.crm_identity_remove(self._h, _customer_ref(customer_id, "customer_id"),
                                _str(kind, "kind"), _str(value, "value"))

    def resolve(self, text):
        """The one customer a text names: an id, a phone number, an e-mail
        address, a network:handle, an account or loyalty number (libcrm's
        crm_customer_resolve() rules). crm.NotFound (the message says what
        was tried); crm.Ambiguous (``resolve_all()`` lists them);
        crm.InvalidArgument."""
        return _customer(_ll._customer_resolve(self._h, _str(text, "text")))

    def resolve_all(self, text):
        """Iterate over every customer a text names, by id ("am I speaking
        with Mickey or Minnie?"): none, one or several. crm.InvalidArgument."""
        h = _ll.crm_customer_resolve_open(self._h, _str(text, "text"))
        return _Cursor(self, h)

    def normalise(self, kind, value):
        """The match key libcrm derives from a value ("+14155550100")."""
        return _ll.crm_identity_normalise(self._h, _str(kind, "kind"), _str(value, "value"))

    def identities(self, customer_id):
        """Iterate over a customer's identities by kind, primary first, then
        the oldest first, then by key.
        crm.NotFound; crm.InvalidArgument."""
        h = _ll.crm_identity_list_open(self._h, _customer_ref(customer_id, "customer_id"))
        return _Cursor(self, h)

    # -- the journal --
    def journal(self, since=0):
        """Iterate over journal entries after sequence number ``since`` (an
        int, 0..2**63-1)."""
        h = _ll.crm_journal_entry_list_open(self._h, _int(since, "since", *_INT64))
        return _Cursor(self, h)

    @property
    def last_seq(self):
        """The sequence number of the newest journal entry (0 if none)."""
        return _ll.crm_journal_last_seq(self._h)

    # -- interactions --
    def log(self, customer_id, channel, direction="in", *, occurred_at=None, handled_by=None,
            reason=None, outcome=None, public=False, sentiment=None, summary=None, body=None,
            reply_to=None, external_ref=None):
        """Record an interaction and return it; channel/direction/outcome by
        name (the channel a built-in word or any of the business's own, such
        as "whatsapp"), ``sentiment`` -2..2 or None, ``reply_to`` the
        Interaction (or id) it answers, ``occurred_at`` None (now) or a time
        not later than now. crm.NotFound; crm.InvalidArgument;
        crm.Conflict (the ``external_ref`` was already logged:
        ``conflict_id`` names it)."""
        h = self._handle
        if (h is not None and type(customer_id) is str and type(channel) is str and
                type(direction) is str and occurred_at is None and sentiment is None and
                (handled_by is None or type(handled_by) is str) and
                (reason is None or type(reason) is str) and
                (outcome is None or type(outcome) is str) and
                (summary is None or type(summary) is str) and
                (body is None or type(body) is str) and
                (reply_to is None or type(reply_to) is str) and
                (external_ref is None or type(external_ref) is str)):
            return _interaction(_ll._interaction_log(
                h, customer_id, channel, _DIRECTION[direction], _TIME_NONE, handled_by, reason,
                0 if outcome is None else _OUTCOME[outcome], 1 if public else 0,
                _SENTIMENT_NONE, summary, body, reply_to, external_ref))
        ch = _str(channel, "channel")
        d = _enum_parse(_DIRECTION, direction, "direction")
        o = 0 if outcome is None else _enum_parse(_OUTCOME, outcome, "outcome")
        sentiment = (_SENTIMENT_NONE if sentiment is None
                     else _int(sentiment, "sentiment", *_SENTIMENT))
        return _interaction(_ll._interaction_log(
            self._h, _customer_ref(customer_id, "customer_id"), ch, d,
            _to_ms(occurred_at, "occurred_at"), _str(handled_by, "handled_by"),
            _str(reason, "reason"), o, 1 if public else 0, sentiment,
            _str(summary, "summary"), _str(body, "body"),
            _interaction_ref(reply_to, "reply_to"), _str(external_ref, "external_ref")))

    def interaction(self, id):  # noqa: A002
        """Fetch an interaction by id (or the current state of an
        Interaction). crm.NotFound; crm.InvalidArgument."""
        return _interaction(_ll._interaction_get(self._h, _interaction_ref(id, "id")))

    def interaction_by_ref(self, channel, external_ref):
        """Fetch an interaction by channel and external reference. crm.NotFound;
        crm.InvalidArgument."""
        return _interaction(_ll._interaction_get_by_ref_named(
            self._h, _str(channel, "channel"), _str(external_ref, "external_ref")))

    def set_reason(self, id, reason):  # noqa: A002
        """Change an interaction's reason after the fact (journaled with the old
        value); None clears it. Returns the Interaction. crm.NotFound;
        crm.InvalidArgument."""
        return _interaction(_ll._interaction_set_reason(self._h, _interaction_ref(id, "id"),
                                                        _str(reason, "reason")))

    def set_summary(self, id, summary):  # noqa: A002
        """Change an interaction's summary after the fact (journaled with the
        old value); None clears it. Returns the Interaction. crm.NotFound;
        crm.InvalidArgument."""
        return _interaction(_ll._interaction_set_summary(self._h, _interaction_ref(id, "id"),
                                                         _str(summary, "summary")))

    def set_public(self, id, public):  # noqa: A002
        """Say whether the whole world can see an interaction (journaled with
        the old value; nothing changes if it already is so) and return the
        Interaction. crm.NotFound; crm.InvalidArgument."""
        return _interaction(_ll._interaction_set_public(self._h, _interaction_ref(id, "id"),
                                                        1 if public else 0))

    def thread(self, interaction_id, *, channels=None, from_=None, to=None, reason_prefix=None,
               direction=None, public_only=False, outcomes=None, before=None, limit=0):
        """Iterate over the conversation an interaction (an Interaction or its
        id) belongs to, oldest first, filtered as ``timeline()`` is;
        ``before``: the last Interaction (or id) of the previous page, whose
        later ones come next."""
        h = _ll.crm_swig_thread_open(
            self._h, _interaction_ref(interaction_id, "interaction_id"),
            *_timeline_filter(channels, from_, to, reason_prefix, direction, public_only,
                              outcomes, before, limit))
        return _Cursor(self, h)

    def set_outcome(self, id, outcome):  # noqa: A002
        """Change an interaction's outcome by name, or clear it with None
        (journaled with the old value), and return the Interaction.
        crm.NotFound; crm.InvalidArgument."""
        code = _ll.CRM_OUTCOME_NONE if outcome is None else _enum_parse(_OUTCOME, outcome,
                                                                        "outcome")
        return _interaction(_ll._interaction_set_outcome(
            self._h, _interaction_ref(id, "id"), code))

    def timeline(self, customer_id, *, channels=None, from_=None, to=None, reason_prefix=None,
                 direction=None, public_only=False, outcomes=None, before=None, limit=0):
        """Iterate over a customer's interactions, newest first.
        ``channels={"phone", "whatsapp"}`` etc. (any channel's word; one no
        interaction has used matches nothing); ``before``: the last
        Interaction (or id) of the previous page; ``limit``: at most this
        many (0..2**32-1, 0 = all)."""
        h = self._handle
        if (h is not None and type(customer_id) is str and channels is None and from_ is None and
                to is None and reason_prefix is None and direction is None and
                outcomes is None and before is None and type(limit) is int and
                0 <= limit <= _UINT[1]):
            return _Cursor(self, _ll.crm_swig_timeline_open(
                h, customer_id, 0, _TIME_NONE, _TIME_NONE, None, 0, 1 if public_only else 0, 0,
                None, limit, None))
        h = _ll.crm_swig_timeline_open(
            self._h, _customer_ref(customer_id, "customer_id"),
            *_timeline_filter(channels, from_, to, reason_prefix, direction, public_only,
                              outcomes, before, limit))
        return _Cursor(self, h)

    # -- promises --
    # Every step takes ``at``, when it happened (a datetime or epoch ms; None:
    # now): not later than now, nor before the promise's last step.
    def promise(self, customer_id, what, due_at, *, owner, interaction_id=None, at=None):
        """Make a promise and return it; ``interaction_id``: the Interaction
        (or id) it was made in; ``at``: when it was made (None: now), which
        ``due_at`` may not be before (an overdue promise recorded late is
        made with the ``at`` it was made). crm.NotFound;
        crm.InvalidArgument."""
        h = self._handle
        if (h is not None and type(customer_id) is str and type(what) is str and
                type(owner) is str and type(due_at) is int and TIME_MIN <= due_at <= TIME_MAX and
                interaction_id is None and at is None):
            return _promise(_ll._promise_make(h, customer_id, None, owner, what, due_at,
                                              _TIME_NONE))
        return _promise(_ll._promise_make(
            self._h, _customer_ref(customer_id, "customer_id"),
            _interaction_ref(interaction_id, "interaction_id"), _str(owner, "owner"),
            _str(what, "what"), _to_ms(due_at, "due_at"), _to_ms(at, "at")))

    make_promise = promise

    def get_promise(self, id):  # noqa: A002
        """Fetch a promise by id (or the current state of a Promise), its
        ``overdue`` as of now by the handle's clock. crm.NotFound;
        crm.InvalidArgument; crm.Misuse if the clock fails."""
        return _promise(_ll._promise_get(self._h, _promise_ref(id, "id")))

    def keep(self, id, *, interaction_id=None, note=None, at=None):  # noqa: A002
        """Mark an open promise (a Promise or its id) kept, optionally by an
        interaction (an Interaction or its id) of the same customer, ``at``
        a time (None: now), and return the kept Promise. crm.StateError if
        it is not open; crm.NotFound."""
        h = self._handle
        if h is not None and type(id) is str and interaction_id is None and note is None and \
                at is None:
            return _promise(_ll._promise_keep(h, id, None, None, _TIME_NONE))
        return _promise(_ll._promise_keep(self._h, _promise_ref(id, "id"),
                                          _interaction_ref(interaction_id, "interaction_id"),
                                          _str(note, "note"), _to_ms(at, "at")))

    def break_(self, id, why, *, at=None):  # noqa: A002
        """Mark an open promise (a Promise or its id) broken, ``why`` being
        required, ``at`` a time (None: now), and return the broken Promise.
        crm.StateError if it is not open; crm.NotFound."""
        return _promise(_ll._promise_break(self._h, _promise_ref(id, "id"), _str(why, "why"),
                                           _to_ms(at, "at")))

    def release(self, id, note=None, *, at=None):  # noqa: A002
        """Release an open promise (a Promise or its id): the customer agreed
        it is no longer needed, ``at`` a time (None: now). Returns the
        released Promise. crm.StateError if it is not open; crm.NotFound."""
        return _promise(_ll._promise_release(self._h, _promise_ref(id, "id"),
                                             _str(note, "note"), _to_ms(at, "at")))

    def renegotiate(self, id, new_due_at, why, *, customer_agreed=False,  # noqa: A002
                    at=None):
        """Give an open promise (a Promise or its id) a new due time
        (different from the one in force, and not before ``at``) and a
        reason, ``at`` a time (None: now), and return the Promise; it stays open and the old due time
        stays in the history. crm.StateError if not open;
        crm.InvalidArgument."""
        return _promise(_ll._promise_renegotiate(self._h, _promise_ref(id, "id"),
                                                 _to_ms(new_due_at, "new_due_at"),
                                                 _str(why, "why"), 1 if customer_agreed else 0,
                                                 _to_ms(at, "at")))

    def promises(self, *, customer_id=None, owner=None, states=None, due_before=None,
                 overdue_as_of=None, after=None, limit=0):
        """Iterate over promises by due time (then id), filtered by customer,
        owner, ``states`` (a PromiseState or name, or a set of them), due time
        and overdue-ness; ``after``: the last Promise (or id) of the previous
        page; ``limit``: at most this many (0..2**32-1, 0 = all).
        crm.NotFound (customer, ``after``); crm.InvalidArgument."""
        h = _ll.crm_swig_promise_list_open(
            self._h, _customer_ref(customer_id, "customer_id"), _str(owner, "owner"),
            _bits(_STATE, states, "states"),
            _to_ms(due_before, "due_before"), _to_ms(overdue_as_of, "overdue_as_of"),
            _promise_ref(after, "after"), _int(limit, "limit", *_UINT))
        return _Cursor(self, h)

    def promise_history(self, id):  # noqa: A002
        """Iterate over the events of a promise (a Promise or its id): made,
        renegotiated, kept, ..."""
        h = _ll.crm_promise_event_list_open(self._h, _promise_ref(id, "id"))
        return _Cursor(self, h)

    # -- occasions --
    def add_occasion(self, customer_id, kind, *, month, day, year=None, yearly=True,
                     lead_days=0, note=None):
        """Record an occasion (birthday, renewal, ...) and return it.
        ``year``: None (a yearly occasion without one) or the year; ``month``,
        ``day``, ``lead_days``: ints. crm.NotFound (customer);
        crm.InvalidArgument (bad kind, date, lead, note)."""
        if year is None:
            year = 0  # C's "no year"
        elif _int(year, "year", *_INT) == 0:
            raise _invalid("year: 0 is not a year; give None for a yearly occasion without one")
        row = _ll._occasion_add(
            self._h, _customer_ref(customer_id, "customer_id"), _str(kind, "kind"),
            1 if yearly else 0, year, _int(month, "month", *_INT), _int(day, "day", *_INT),
            _int(lead_days, "lead_days", *_INT), _str(note, "note"))
        return _occasion(row)

    def remove_occasion(self, id):  # noqa: A002
        """Remove an occasion (an Occasion or its id). crm.NotFound;
        crm.InvalidArgument."""
        _ll.crm_occasion_remove(self._h, _occasion_ref(id, "id"))

    def occasions(self, customer_id):
        """Iterate over a customer's occasions by month and day. crm.NotFound;
        crm.InvalidArgument."""
        h = _ll.crm_occasion_list_open(self._h, _customer_ref(customer_id, "customer_id"))
        return _Cursor(self, h)

    def upcoming(self, start=None, days=30):
        """Every occurrence surfacing in the ``days`` calendar days (1..3653)
        from ``start``, a datetime.date: the date where the caller is (None:
        today's date in UTC). crm.InvalidArgument."""
        if start is None:
            ymd = (0, 0, 0)  # libcrm's "today"
        elif isinstance(start, _dt.date) and not isinstance(start, _dt.datetime):
            ymd = (start.year, start.month, start.day)
        else:
            raise TypeError(f"start: expected a datetime.date (the day where you are), got "
                            f"{type(start).__name__}")
        h = _ll.crm_occasion_upcoming_open(self._h, *ymd, _int(days, "days", *_INT))
        return _Cursor(self, h)

    # -- reports --
    def report(self, name, *, from_=None, to=None, channels=None, owner=None, depth=0,
               repeat_days=0, handover_minutes=0, as_of=None, period="day", by_channel=False):
        """Iterate over a report's rows, each a named tuple of its columns:
        ``name`` is "reasons", "repeats", "fcr", "handover", "keep_rate" or
        "channel_mix" (docs/reports.md). The window is [from_, to) (a
        datetime or epoch ms; None: unbounded); ``channels``: words, as for
        timeline(); ``owner``: only the customers this owner looks after;
        ``depth``: reason levels (0: whole codes); ``repeat_days`` and
        ``handover_minutes``: 0 for the defaults (7, 30); ``as_of``: the
        keep-rate's "overdue now" (None: now); ``period``: "day", "week"
        or "month"; ``by_channel``: reasons split by channel too.
        crm.InvalidArgument."""
        if _str(name, "name") not in _REPORTS:
            raise _invalid(f"name: {name!r} is no report; use one of {', '.join(_REPORTS)}")
        h = getattr(_ll, f"crm_swig_report_{name}_open")(
            self._h, 0, _to_ms(from_, "from_"), _to_ms(to, "to"), _str(owner, "owner"),
            _int(depth, "depth", *_INT), _int(repeat_days, "repeat_days", *_INT),
            _int(handover_minutes, "handover_minutes", *_INT), _to_ms(as_of, "as_of"),
            _enum_parse(_PERIOD, period, "period"), 1 if by_channel else 0,
            _word_list(channels, "channels"))
        return _ReportCursor(self, name, h)

    # -- the agenda --
    def agenda(self, owner=None, *, as_of=None, horizon=None, kinds=None,
               head_start_overdue=None, head_start_due=None, head_start_contact=None,
               head_start_occasion=None, limit=0):
        """Iterate over the agenda of ``owner`` (None: everyone's) as of
        ``as_of`` (None: now), highest score first (docs/agenda.md).
        ``horizon`` and the head starts: a datetime.timedelta or ms (int);
        None for libcrm's defaults. ``kinds``: a kind's word or a set of
        them (None: every kind); ``limit``: at most this many (0 = all).
        crm.InvalidArgument."""
        defaults = (_ll.CRM_AGENDA_HEAD_START_OVERDUE, _ll.CRM_AGENDA_HEAD_START_DUE,
                    _ll.CRM_AGENDA_HEAD_START_CONTACT, _ll.CRM_AGENDA_HEAD_START_OCCASION)
        given = (head_start_overdue, head_start_due, head_start_contact, head_start_occasion)
        names = ("head_start_overdue", "head_start_due", "head_start_contact",
                 "head_start_occasion")
        heads = [d if v is None else _ms_delta(v, n) for v, d, n in zip(given, defaults, names)]
        h = _ll.crm_swig_agenda_open(
            self._h, _str(owner, "owner"), _to_ms(as_of, "as_of"),
            0 if horizon is None else _ms_delta(horizon, "horizon"),
            _bits(_AGENDA_KIND, kinds, "kinds"), *heads, _int(limit, "limit", *_UINT))
        return _Cursor(self, h)

    # -- search --
    def search(self, query, *, kinds=None, customer_id=None, owner=None,
               include_archived=False, limit=0, offset=0, mark_before=None, mark_after=None):
        """Iterate over the SearchHits of ``query`` (what a person typed:
        words, ``cus*`` for a prefix, "..." for a phrase), best first.
        ``kinds``: a kind's name or a set of them (None: all); ``customer_id``
        (a Customer or id) and ``owner`` (the customer's owner) narrow it;
        archived customers' records only with ``include_archived``;
        ``limit`` (0: 20, at most 1000) and ``offset`` page; ``mark_before``
        and ``mark_after`` surround matched words in snippets (None: "[" and
        "]"). crm.NotFound (customer); crm.InvalidArgument (a query with no
        word, too long, too many words, not UTF-8; bad options)."""
        h = _ll.crm_swig_search_open(
            self._h, _str(query, "query"), _bits(_SEARCH_KIND, kinds, "kinds"),
            _customer_ref(customer_id, "customer_id"), _str(owner, "owner"),
            1 if include_archived else 0, _int(limit, "limit", *_UINT),
            _int(offset, "offset", *_UINT), _str(mark_before, "mark_before"),
            _str(mark_after, "mark_after"))
        return _Cursor(self, h)

    # -- deleting an interaction --
    def delete_interaction(self, id):  # noqa: A002
        """Delete an interaction logged by mistake (an Interaction or its
        id): its replies answer what it answered, promises made or kept
        during it lose the link. crm.StateError when a consent event names
        it; crm.NotFound; crm.InvalidArgument."""
        _ll.crm_interaction_delete(self._h, _interaction_ref(id, "id"))

    # -- consent --
    def _consent_record(self, granted, customer_id, purpose, channel, at, interaction_id, note):
        return _consent(_ll._consent_record(
            self._h, granted, _customer_ref(customer_id, "customer_id"), _str(purpose, "purpose"),
            _str(channel, "channel"), _to_ms(at, "at"),
            _interaction_ref(interaction_id, "interaction_id"), _str(note, "note")))

    def grant_consent(self, customer_id, purpose, channel=None, *, at=None,
                      interaction_id=None, note=None):
        """Record that the customer agrees to be contacted for ``purpose``
        (the business's code, "marketing") on ``channel`` (a word; None:
        every channel), said ``at`` (None: now; never later), during
        ``interaction_id``, with a ``note``. Returns the Consent event.
        crm.NotFound (customer, interaction, channel); crm.InvalidArgument."""
        return self._consent_record(1, customer_id, purpose, channel, at, interaction_id, note)

    def withdraw_consent(self, customer_id, purpose, channel=None, *, at=None,
                         interaction_id=None, note=None):
        """Record that the customer withdraws consent; as grant_consent()."""
        return self._consent_record(0, customer_id, purpose, channel, at, interaction_id, note)

    def may_contact(self, customer_id, purpose, channel=None):
        """Whether the customer may be contacted for ``purpose`` on
        ``channel`` (None: on every channel at once): the latest event of
        the purpose on that channel or on every channel grants it; no event
        means False. crm.NotFound; crm.InvalidArgument."""
        return bool(_ll.crm_consent_check(self._h, _customer_ref(customer_id, "customer_id"),
                                          _str(purpose, "purpose"), _str(channel, "channel")))

    def consent_decision(self, customer_id, purpose, channel=None):
        """The Consent event that decides may_contact() for the same
        arguments, or None when none does (the answer is then no)."""
        row = _ll._consent_latest(self._h, _customer_ref(customer_id, "customer_id"),
                                  _str(purpose, "purpose"), _str(channel, "channel"))
        return None if row is None else _consent(row)

    def consent_history(self, customer_id, *, purpose=None, channel=None):
        """Iterate over a customer's Consent events, newest first;
        ``purpose`` keeps that purpose's, ``channel`` those that bear on it
        (its own and every channel's). crm.NotFound; crm.InvalidArgument."""
        h = _ll.crm_consent_history_open(self._h, _customer_ref(customer_id, "customer_id"),
                                         _str(purpose, "purpose"), _str(channel, "channel"))
        return _Cursor(self, h)
    # ---- a customer's own data (crm/privacy.h, docs/privacy.md) ----

    def export_customer(self, id, *, as_text=False):  # noqa: A002
        """Everything libcrm holds about a customer (a Customer or its id):
        the document of docs/export-format.md as a dict, or its JSON text
        with ``as_text``. crm.NotFound (also for an erased customer, the
        message saying when); crm.InvalidArgument."""
        text = _ll.crm_customer_export(self._h, _customer_ref(id, "id"))
        return text if as_text else _json.loads(text)

    def erase_customer(self, id):  # noqa: A002
        """Erase a customer for good (docs/privacy.md): its personal data
        goes, anonymous counts stay. Erasing an erased customer does
        nothing. Call purge() after (once after many erases) so that no
        old copy stays in the file. crm.NotFound; crm.InvalidArgument;
        crm.ReadOnly."""
        _ll.crm_customer_erase(self._h, _customer_ref(id, "id"))

    def purge(self):
        """Leave nothing of erased data in the file: rewrite the search
        index where erases left words in it (SQLite before 3.42), in short
        steps, then copy the log back into the file and empty it. crm.Busy
        while another connection reads an older snapshot (call it again
        later); crm.StateError in a transaction."""
        _ll.crm_db_purge(self._h)

    def erase_inactive(self, before, *, dry_run=False):
        """Erase every customer with no activity at or after ``before`` (an
        aware datetime or epoch ms); returns how many were (with
        ``dry_run``: would be) erased. crm.InvalidArgument."""
        return _ll.crm_swig_customer_erase_inactive(self._h, _to_ms(before, "before"),
                                                    1 if dry_run else 0)

    def drop_journal(self, before, *, dry_run=False):
        """Drop the journal entries from before ``before`` (an aware datetime
        or epoch ms), leaving one entry that says so; returns how many were
        (with ``dry_run``: would be) dropped. crm.InvalidArgument."""
        return _ll.crm_swig_journal_drop(self._h, _to_ms(before, "before"), 1 if dry_run else 0)
    # -- duplicates, merge and unmerge --
    def duplicates(self, customer_id=None, *, attribute_keys=None, min_score=50,
                   archived=False, limit=0):
        """Iterate over the Duplicates: pairs of customers that may be one,
        best score first. ``customer_id`` (a Customer or id): only its
        pairs, that customer first; ``attribute_keys``: attribute keys
        whose equal values make a pair ("date_of_birth"); ``min_score``
        1..100; ``archived``: False (pairs of active customers), True (all)
        or "only"; ``limit`` (0: all). crm.NotFound (customer; the message
        names the survivor of a merged one); crm.InvalidArgument."""
        h = _ll.crm_swig_duplicates_open(
            self._h, _customer_ref(customer_id, "customer_id"),
            _int(min_score, "min_score", *_INT), _archived(archived),
            _int(limit, "limit", *_UINT), _word_list(attribute_keys, "attribute_keys"))
        return _Cursor(self, h)

    def merge(self, keep_id, absorb_id):
        """Merge customer ``absorb_id`` into ``keep_id`` (each a Customer or
        id): everything it holds moves to ``keep_id``, and its id goes on
        naming it (docs/merge.md). Returns the survivor. crm.NotFound
        (either; also one merged before); crm.InvalidArgument (one customer,
        or a person and an organisation)."""
        return _customer(_ll._customer_merge(self._h, _customer_ref(keep_id, "keep_id"),
                                             _customer_ref(absorb_id, "absorb_id")))

    def unmerge(self, absorbed_id):
        """Undo the merge that absorbed ``absorbed_id``, while nothing has
        changed since; returns the customer back. crm.StateError (not
        merged, or what blocks it); crm.NotFound."""
        return _customer(_ll._customer_unmerge(self._h, _customer_ref(absorbed_id,
                                                                      "absorbed_id")))

    # -- import and export (docs/import-export.md) --
    def import_csv(self, path=None, *, text=None, mapping=None, on_error="stop", kind=None):
        """Import customers from the CSV file at ``path`` (or from ``text``,
        a str), in one transaction, and return an ImportResult. ``mapping``:
        {column header: target} ("name", "email", "phone",
        "identity:account", "attr:vat", "tags", "tags:,", "birthday",
        "owner", "kind", "id", "ignore", ...); None: guessed from the
        headers. ``on_error``: "stop" (the first bad row raises and nothing
        is kept), "skip" (bad rows are left out and listed in the result's
        errors), or a function called with each BadRow of a skipping
        import. ``kind``: "person" (default) or "organisation" for rows
        without a kind. crm.InvalidArgument, crm.Conflict, crm.Ambiguous
        (a bad row, with its line and column); crm.IOError."""
        if mapping is not None:
            if not isinstance(mapping, _collections_abc.Mapping):
                raise _invalid("mapping: expected a dict of column: target")
            lines = []
            for column, target in mapping.items():
                _str(column, "mapping column")
                _str(target, "mapping target")
                if "\n" in column or "\n" in target:
                    raise _invalid("mapping: a column or target holds a line break")
                lines.append(f"{column}={target}")
            mapping = "\n".join(lines)
        return self._import(0, path, text, mapping, on_error, kind)

    def import_vcard(self, path=None, *, text=None, on_error="stop", kind=None):
        """Import the vCards (2.1, 3.0, 4.0) of the file at ``path`` (or of
        ``text``), as import_csv() does. Returns an ImportResult."""
        return self._import(1, path, text, None, on_error, kind)

    def import_jsonl(self, path=None, *, text=None):
        """Import a JSON Lines export (export_jsonl()) into this database,
        which must hold no customer, or hold every record of the file
        already (a second import adds nothing); ids and times are kept.
        Returns an ImportResult. crm.InvalidArgument (a bad line);
        crm.StateError (the database holds other records)."""
        return self._import(2, path, text, None, "stop", None)

    def _import(self, fmt, path, text, mapping, on_error, kind):
        if (path is None) == (text is None):
            raise _invalid("give either path or text")
        path = None if path is None else _str(_os.fspath(path), "path")
        text = None if text is None else _str(text, "text")
        report = None
        if callable(on_error):
            report, on_error = on_error, "skip"
        if on_error not in ("stop", "skip"):
            raise _invalid(f"on_error: {on_error!r} is not 'stop', 'skip' or a function")
        k = 0
        if kind is not None:
            k = _ll.crm_customer_kind_parse(_str(kind, "kind"))
        h = _ll.crm_swig_import(self._h, fmt, path, text, mapping,
                                1 if on_error == "skip" else 0, k)
        try:
            errors = [BadRow(_ll.crm_swig_import_error_line(h, i),
                                  _ll.crm_swig_import_error_column(h, i),
                                  _ll.crm_errname(_ll.crm_swig_import_error_code(h, i)),
                                  _ll.crm_swig_import_error_message(h, i))
                      for i in range(_ll.crm_import_result_error_count(h))]
            result = ImportResult(_ll.crm_import_result_created(h),
                                  _ll.crm_import_result_updated(h),
                                  _ll.crm_import_result_unchanged(h),
                                  _ll.crm_import_result_skipped(h),
                                  _ll.crm_import_result_records(h), errors)
        finally:
            del h
        if report is not None:
            for e in errors:
                report(e)
        return result

    def export_csv(self, path=None):
        """Every customer as CSV (the columns import_csv() reads back): into
        the file at ``path``, or returned as a str when path is None.
        crm.IOError."""
        return self._export(_ll.crm_csv_export, _ll.crm_csv_export_mem, path)

    def export_vcard(self, path=None):
        """Every customer as a vCard 4.0, as export_csv() does."""
        return self._export(_ll.crm_vcard_export, _ll.crm_vcard_export_mem, path)

    def export_jsonl(self, path=None):
        """The whole database as JSON Lines (import_jsonl() reads it into an
        empty database), as export_csv() does."""
        return self._export(_ll.crm_jsonl_export, _ll.crm_jsonl_export_mem, path)

    def _export(self, to_file, to_text, path):
        if path is None:
            return to_text(self._h)
        to_file(self._h, _str(_os.fspath(path), "path"))
        return None


def _ms_delta(value, what):
    """A datetime.timedelta or ms (int) as ms, for libcrm to judge."""
    if isinstance(value, _dt.timedelta):
        return value // _dt.timedelta(milliseconds=1)
    return _int(value, what, *_INT64)


class _Transaction:
    def __init__(self, db):
        self._db = db

    def __enter__(self):
        self._db.begin()
        return self._db

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self._db.commit()
        else:
            self._db.rollback()
        return False
