/*
 * libcrm - Python: crm._crm.Cursor, the iterator over a libcrm cursor that
 * the crm package's cursors are made of (its _Cursor adds the database's
 * bookkeeping). Iterating one is the C iterator protocol: each row is one
 * call into libcrm and the package's record made in C (records.i's
 * crm_swig_record_new), with no Python code run per row.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Cursor(db, handle) takes the C cursor from `handle` (the SWIG object an
 * _open call returned, whose own destructor then no longer frees it) and
 * keeps `db` (the package's Database, `_db`) for as long as it lives. The
 * C cursor is freed at the end of the iteration, by close(), or when the
 * Cursor is finalized, before it lets go of `db`; `_h` is the handle until
 * then, and None after. libcrm calls run without
 * the GIL, as every call of the extension does.
 */

%{
/* A kind of libcrm cursor: its SWIG type, and its _next and _free calls
 * and the row it lends as the package gives it, behind one signature. */
typedef struct {
    swig_type_info **type;
    int (*next)(void *cur, const void **row);
    void (*free)(void *cur);
    PyObject *(*make)(const void *row);
} crm_swig_cursor_kind;

/* A cursor over records: each row is an instance of the record's class. */
#define CRM_SWIG_RECORD_CURSOR(CURSOR, RECORD, INDEX)                                 \
    static int crm_swig_next_##CURSOR(void *cur, const void **row)                    \
    {                                                                                 \
        const RECORD *r = NULL;                                                       \
        int rc = CURSOR##_next(cur, &r);                                              \
        *row = r;                                                                     \
        return rc;                                                                    \
    }                                                                                 \
    static void crm_swig_free_##CURSOR(void *cur) { CURSOR##_free(cur); }             \
    static PyObject *crm_swig_make_##CURSOR(const void *row)                          \
    {                                                                                 \
        return crm_swig_record_new(&crm_swig_records[INDEX], row);                    \
    }

CRM_SWIG_RECORD_CURSOR(crm_customer_cursor, crm_customer, CRM_SWIG_RECORD_CUSTOMER)
CRM_SWIG_RECORD_CURSOR(crm_attr_cursor, crm_attr, CRM_SWIG_RECORD_ATTR)
CRM_SWIG_RECORD_CURSOR(crm_member_cursor, crm_member, CRM_SWIG_RECORD_MEMBER)
CRM_SWIG_RECORD_CURSOR(crm_identity_cursor, crm_identity, CRM_SWIG_RECORD_IDENTITY)
CRM_SWIG_RECORD_CURSOR(crm_journal_entry_cursor, crm_journal_entry,
                       CRM_SWIG_RECORD_JOURNAL_ENTRY)
CRM_SWIG_RECORD_CURSOR(crm_interaction_cursor, crm_interaction, CRM_SWIG_RECORD_INTERACTION)
CRM_SWIG_RECORD_CURSOR(crm_promise_cursor, crm_promise, CRM_SWIG_RECORD_PROMISE)
CRM_SWIG_RECORD_CURSOR(crm_promise_event_cursor, crm_promise_event,
                       CRM_SWIG_RECORD_PROMISE_EVENT)
CRM_SWIG_RECORD_CURSOR(crm_occasion_cursor, crm_occasion, CRM_SWIG_RECORD_OCCASION)
CRM_SWIG_RECORD_CURSOR(crm_agenda_item_cursor, crm_agenda_item, CRM_SWIG_RECORD_AGENDA_ITEM)
CRM_SWIG_RECORD_CURSOR(crm_search_hit_cursor, crm_search_hit, CRM_SWIG_RECORD_SEARCH_HIT)
CRM_SWIG_RECORD_CURSOR(crm_consent_cursor, crm_consent, CRM_SWIG_RECORD_CONSENT)
CRM_SWIG_RECORD_CURSOR(crm_duplicate_cursor, crm_duplicate, CRM_SWIG_RECORD_DUPLICATE)

/* The tags: each a str. */
static int crm_swig_next_crm_tag_cursor(void *cur, const void **row)
{
    const char *tag = NULL;
    int rc = crm_tag_cursor_next(cur, &tag);
    *row = tag;
    return rc;
}
static void crm_swig_free_crm_tag_cursor(void *cur) { crm_tag_cursor_free(cur); }
static PyObject *crm_swig_make_crm_tag_cursor(const void *row) { return crm_swig_str(row); }

#define CRM_SWIG_CURSOR_KIND(CURSOR)                                                  \
    { &SWIGTYPE_p_##CURSOR, crm_swig_next_##CURSOR, crm_swig_free_##CURSOR,           \
      crm_swig_make_##CURSOR }

static const crm_swig_cursor_kind crm_swig_cursor_kinds[] = {
    CRM_SWIG_CURSOR_KIND(crm_customer_cursor),
    CRM_SWIG_CURSOR_KIND(crm_attr_cursor),
    CRM_SWIG_CURSOR_KIND(crm_tag_cursor),
    CRM_SWIG_CURSOR_KIND(crm_member_cursor),
    CRM_SWIG_CURSOR_KIND(crm_identity_cursor),
    CRM_SWIG_CURSOR_KIND(crm_journal_entry_cursor),
    CRM_SWIG_CURSOR_KIND(crm_interaction_cursor),
    CRM_SWIG_CURSOR_KIND(crm_promise_cursor),
    CRM_SWIG_CURSOR_KIND(crm_promise_event_cursor),
    CRM_SWIG_CURSOR_KIND(crm_occasion_cursor),
    CRM_SWIG_CURSOR_KIND(crm_agenda_item_cursor),
    CRM_SWIG_CURSOR_KIND(crm_search_hit_cursor),
    CRM_SWIG_CURSOR_KIND(crm_consent_cursor),
    CRM_SWIG_CURSOR_KIND(crm_duplicate_cursor),
};

typedef struct {
    PyObject_HEAD
    void *cur;                         /* the C cursor; NULL once freed */
    const crm_swig_cursor_kind *kind;
    PyObject *handle;                  /* its SWIG object (the package's _h) while open */
    PyObject *db;
    PyObject *weakrefs;
    /* A thread is in libcrm with the cursor, or between its call and the
     * copy of the row the cursor lends, the GIL let go meanwhile: another
     * thread's next would overwrite that row, and a free would take it
     * away, so they wait (crm_swig_cursor_wait). */
    int busy;
} crm_swig_cursor;

static PyObject *crm_swig_close_name;

/* Waits, without the GIL, until no thread is busy with the cursor: the
 * turn of a thread reading a cursor another thread is reading, or closing
 * it. Two threads on one cursor is rare, and a row rarely takes long, so
 * the wait polls rather than every row paying for a lock. */
static void crm_swig_cursor_wait(crm_swig_cursor *c)
{
    while (c->busy) {
        struct timespec pause = {0, 100000};
        Py_BEGIN_ALLOW_THREADS
        nanosleep(&pause, NULL);
        Py_END_ALLOW_THREADS
    }
}

/* Frees the C cursor, once no other thread is busy with it (without the
 * GIL: the free waits for a call another thread is making on the same
 * database). */
static void crm_swig_cursor_release(crm_swig_cursor *c)
{
    void *cur;
    PyObject *handle;
    crm_swig_cursor_wait(c);
    if (!(cur = c->cur))
        return;
    handle = c->handle;
    c->cur = NULL;
    c->handle = NULL;
    c->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    c->kind->free(cur);
    Py_END_ALLOW_THREADS
    c->busy = 0;
    Py_XDECREF(handle);
}

static PyObject *crm_swig_cursor_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *db, *handle;
    SwigPyObject *s;
    const crm_swig_cursor_kind *kind = NULL;
    crm_swig_cursor *c;
    (void)kwds;
    if (!PyArg_ParseTuple(args, "OO:Cursor", &db, &handle))
        return NULL;
    s = SWIG_Python_GetSwigThis(handle);
    for (size_t i = 0; s && i < sizeof crm_swig_cursor_kinds / sizeof *crm_swig_cursor_kinds; i++)
        if (s->ty == *crm_swig_cursor_kinds[i].type)
            kind = &crm_swig_cursor_kinds[i];
    if (!kind || !s->ptr || !s->own) {
        PyErr_Format(PyExc_TypeError, "Cursor: expected a libcrm cursor of its own, got %R",
                     handle);
        return NULL;
    }
    if (!(c = (crm_swig_cursor *)type->tp_alloc(type, 0)))
        return NULL;
    s->own = 0;
    c->cur = s->ptr;
    c->kind = kind;
    Py_INCREF(handle);
    c->handle = handle;
    Py_INCREF(db);
    c->db = db;
    return (PyObject *)c;
}

static PyObject *crm_swig_cursor_next(PyObject *self)
{
    crm_swig_cursor *c = (crm_swig_cursor *)self;
    const void *row = NULL;
    PyObject *item = NULL;
    int rc;
    crm_swig_cursor_wait(c);
    if (!c->cur)
        return NULL;
    c->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    rc = c->kind->next(c->cur, &row);
    Py_END_ALLOW_THREADS
    if (rc >= 0 && row)
        item = c->kind->make(row);
    c->busy = 0;
    if (rc < 0) {
        crm_swig_db = NULL; /* a cursor's failure is told by crm_errmsg(NULL) */
        crm_swig_raise_status(rc);
        return NULL;
    }
    if (!row) {
        /* the end: the package's close(), which frees it and forgets it */
        PyObject *r = PyObject_CallMethodNoArgs(self, crm_swig_close_name);
        if (!r)
            return NULL;
        Py_DECREF(r);
    }
    return item;
}

/* close(): frees the C cursor (idempotent). The end of the iteration
 * calls it by name: the package's class makes its database forget the
 * cursor too. */
static PyObject *crm_swig_cursor_close(PyObject *self, PyObject *unused)
{
    (void)unused;
    crm_swig_cursor_release((crm_swig_cursor *)self);
    Py_RETURN_NONE;
}

/* Finalized (collected, or at exit) while still open: freed here, while
 * the cursor still holds its database, whose handle crm_close() would
 * refuse to close with a cursor open on it. */
static void crm_swig_cursor_finalize(PyObject *self)
{
    crm_swig_cursor *c = (crm_swig_cursor *)self;
    if (c->cur) {
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        crm_swig_cursor_release(c);
        PyErr_Restore(type, value, tb);
    }
}

static int crm_swig_cursor_traverse(PyObject *self, visitproc visit, void *arg)
{
    crm_swig_cursor *c = (crm_swig_cursor *)self;
    Py_VISIT(c->db);
    Py_VISIT(c->handle);
    return 0;
}

static int crm_swig_cursor_clear(PyObject *self)
{
    crm_swig_cursor *c = (crm_swig_cursor *)self;
    Py_CLEAR(c->db);
    return 0;
}

static void crm_swig_cursor_dealloc(PyObject *self)
{
    crm_swig_cursor *c = (crm_swig_cursor *)self;
    if (PyObject_CallFinalizerFromDealloc(self) < 0)
        return; /* resurrected */
    PyObject_GC_UnTrack(self);
    if (c->weakrefs)
        PyObject_ClearWeakRefs(self);
    Py_CLEAR(c->handle);
    Py_CLEAR(c->db);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *crm_swig_cursor_h(PyObject *self, void *closure)
{
    crm_swig_cursor *c = (crm_swig_cursor *)self;
    PyObject *h = c->cur ? c->handle : Py_None;
    (void)closure;
    Py_INCREF(h);
    return h;
}

static PyMethodDef crm_swig_cursor_methods[] = {
    {"close", crm_swig_cursor_close, METH_NOARGS, "Free the C cursor now (idempotent)."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef crm_swig_cursor_members[] = {
    {"_db", T_OBJECT, offsetof(crm_swig_cursor, db), READONLY, "The database it reads."},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef crm_swig_cursor_getset[] = {
    {"_h", crm_swig_cursor_h, NULL, "The C cursor's SWIG object; None once freed.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject crm_swig_cursor_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "crm._crm.Cursor",
    .tp_basicsize = sizeof(crm_swig_cursor),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "An iterator over a libcrm cursor, each row the package's record.",
    .tp_new = crm_swig_cursor_new,
    .tp_dealloc = crm_swig_cursor_dealloc,
    .tp_finalize = crm_swig_cursor_finalize,
    .tp_traverse = crm_swig_cursor_traverse,
    .tp_clear = crm_swig_cursor_clear,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = crm_swig_cursor_next,
    .tp_methods = crm_swig_cursor_methods,
    .tp_members = crm_swig_cursor_members,
    .tp_getset = crm_swig_cursor_getset,
    .tp_weaklistoffset = offsetof(crm_swig_cursor, weakrefs),
};
%}

%init %{
    if (PyType_Ready(&crm_swig_cursor_type) < 0 ||
        !(crm_swig_close_name = PyUnicode_InternFromString("close")))
        return NULL;
    Py_INCREF(&crm_swig_cursor_type);
    if (PyModule_AddObject(m, "Cursor", (PyObject *)&crm_swig_cursor_type) < 0) {
        Py_DECREF(&crm_swig_cursor_type);
        return NULL;
    }
%}
