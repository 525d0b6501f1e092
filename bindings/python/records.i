/*
 * libcrm - Python: a record as the crm package's record object, or as a
 * tuple of its fields in the order of the class's __slots__ (the _ calls'
 * rows; crm.i's "records in one crossing"). The fillers, one per record,
 * are made by gen_records.py from bindings/records.py, with the tuples'
 * layout (crm._lowlevel._RECORD_FIELDS, the classes' __slots__); the
 * conversions they use, and the two ways a record is made of a filler,
 * are here.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */

/* SWIG's text conversion, emitted here, before the fillers that use it
 * (SWIG emits it where a typemap first needs it otherwise: later). */
%fragment("SWIG_FromCharPtr");

%{
#include <datetime.h>
#include <structmember.h>

/* A time as the crm package gives it: None for CRM_TIME_NONE (no time),
 * else EPOCH + timedelta(milliseconds=ms), an aware datetime in UTC, built
 * from its fields (the date of the day number by libcrm's calendar,
 * crm_date_from_days()), the same value at a fraction of the cost. libcrm stores
 * only times in datetime's range (CRM_TIME_MIN..CRM_TIME_MAX); one outside
 * it, which a file written before 0.3 may hold, is read as the nearest end
 * of the range rather than fail every read that meets it.
 *
 * The last time made is kept and given again for the same instant: the
 * times of a record are often one instant (a new record's created_at and
 * updated_at, a promise's due_at and first_due_at, the rows one write
 * made), and a datetime, which cannot change, can be shared. The GIL
 * guards the two. */
static int64_t crm_swig_last_ms;
static PyObject *crm_swig_last_time;

static PyObject *crm_swig_time(int64_t ms)
{
    if (ms == CRM_TIME_NONE)
        Py_RETURN_NONE;
    if (ms < CRM_TIME_MIN)
        ms = CRM_TIME_MIN;
    else if (ms > CRM_TIME_MAX)
        ms = CRM_TIME_MAX;
    if (crm_swig_last_time && ms == crm_swig_last_ms) {
        Py_INCREF(crm_swig_last_time);
        return crm_swig_last_time;
    }
    int64_t days = ms / 86400000, rem = ms % 86400000;
    if (rem < 0) {
        rem += 86400000;
        days--;
    }
    int year, month, day;
    crm_date_from_days(&year, &month, &day, days); /* in range: it cannot fail */
    int r = (int)rem;
    PyObject *t = PyDateTimeAPI->DateTime_FromDateAndTime(
        year, month, day, r / 3600000, r / 60000 % 60, r / 1000 % 60, r % 1000 * 1000,
        PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
    if (t) {
        Py_INCREF(t);
        Py_XSETREF(crm_swig_last_time, t);
        crm_swig_last_ms = ms;
    }
    return t;
}

/* Text as the accessors' wrappers give it (SWIG's char * out typemap):
 * None for NULL. */
static PyObject *crm_swig_str(const char *s)
{
    return s ? SWIG_FromCharPtr(s) : SWIG_Py_Void();
}

static PyObject *crm_swig_bool(unsigned long v)
{
    return PyBool_FromLong(v != 0);
}

/* An int that has a value meaning "not set": None for it. */
static PyObject *crm_swig_opt_int(int v, int none)
{
    return v == none ? SWIG_Py_Void() : PyLong_FromLong(v);
}

/* A date from its fields; None when there is none (year 0). */
static PyObject *crm_swig_date(int year, int month, int day)
{
    return year > 0 ? PyDate_FromDate(year, month, day) : SWIG_Py_Void();
}

/* An enum's word: one object per value, made the first time the value is
 * read and shared after that (libcrm's words never change), as a str, or
 * as the package's class for the field (python_type in records.py, e.g.
 * PromiseState), which the package gives with crm_swig_set_word_class().
 * A value with no word (NULL) is None. */
#define CRM_SWIG_WORDS_MAX 32
typedef struct {
    const char *python_type;
    PyObject *cls;
    PyObject *word[CRM_SWIG_WORDS_MAX];
} crm_swig_words;

static PyObject *crm_swig_word(crm_swig_words *t, int v, const char *name)
{
    int kept = v >= 0 && v < CRM_SWIG_WORDS_MAX;
    PyObject *w;
    if (kept && t->word[v]) {
        Py_INCREF(t->word[v]);
        return t->word[v];
    }
    if (!name)
        Py_RETURN_NONE;
    if ((w = SWIG_FromCharPtr(name)) && t->cls) {
        PyObject *s = w;
        w = PyObject_CallOneArg(t->cls, s);
        Py_DECREF(s);
    }
    if (w && kept) {
        Py_INCREF(w);
        t->word[v] = w;
    }
    return w;
}

/* A record: the names of its fields in order (the filler's order), the
 * filler, which writes each field, a new reference, at the offsets it is
 * given from the object it is given (a tuple's items, or the slots of an
 * instance of the package's class), and that class with the offsets of its
 * slots once the package has given it (crm_swig_set_record_class()). */
typedef struct {
    const char *name;
    const char *const *fields;
    Py_ssize_t n;
    int (*fill)(PyObject *o, const Py_ssize_t *at, const void *row);
    Py_ssize_t *at;
    PyTypeObject *cls;
} crm_swig_record;

/* What a filler does per field: the field at offset AT of O is EXPR; on
 * the first NULL (an exception is set) the filler fails, and its caller
 * drops O, whose fields not yet set are NULL (which a tuple and a slotted
 * instance both allow). */
#define CRM_SWIG_FIELD(O, AT, EXPR)                                      \
    do {                                                                \
        if (!(*(PyObject **)((char *)(O) + (AT)) = (EXPR)))             \
            return -1;                                                  \
    } while (0)

/* The offset of a tuple's item I. */
#define CRM_SWIG_ITEM(I) ((Py_ssize_t)(offsetof(PyTupleObject, ob_item) + (I) * sizeof(PyObject *)))

static PyObject *crm_swig_tuple(const crm_swig_record *rec, const void *r);
%}

%init %{
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI)
        return NULL;
%}

/* The row replaces the status; a NULL row (an exception is set) fails. */
%define CRM_SWIG_ROW_RESULT(NAME, P)
    Py_XDECREF($result);
    $result = crm_swig_ ## NAME(P);
    if (!$result)
        SWIG_fail;
%enddef

/* Made by the build (bindings/CMakeLists.txt) in its gen/ folder, which is on
 * SWIG's include path: found there as a library file is. */
%include <records_python.i>

%{
/* The record r as a tuple of its fields; None for NULL. */
static PyObject *crm_swig_tuple(const crm_swig_record *rec, const void *r)
{
    PyObject *row;
    if (!r)
        Py_RETURN_NONE;
    if (!(row = PyTuple_New(rec->n)))
        return NULL;
    if (rec->fill(row, crm_swig_tuple_at, r) < 0) {
        Py_DECREF(row);
        return NULL;
    }
    return row;
}

/* The record r as an instance of the package's class for it, each field
 * written straight into its slot: what object.__new__ and one assignment
 * per slot would make, without a tuple between or a call into Python per
 * record. A record without a class (an attribute) is its tuple; None for
 * NULL. */
static PyObject *crm_swig_record_new(const crm_swig_record *rec, const void *r)
{
    PyObject *o;
    if (!r)
        Py_RETURN_NONE;
    if (!rec->cls)
        return crm_swig_tuple(rec, r);
    if (!(o = rec->cls->tp_alloc(rec->cls, 0)))
        return NULL;
    if (rec->fill(o, rec->at, r) < 0) {
        Py_DECREF(o);
        return NULL;
    }
    return o;
}

/* make(row), the maker crm_swig_set_record_class() gives the package: the
 * record of a row (a tuple of its fields, as the _ calls return it), each
 * field moved into its slot; what object.__new__ and one assignment per
 * slot would make, without a Python frame per record. `self` is the
 * record's index in crm_swig_records. */
static PyObject *crm_swig_make(PyObject *self, PyObject *row)
{
    const crm_swig_record *rec = &crm_swig_records[PyLong_AsSsize_t(self)];
    PyObject *o;
    if (!PyTuple_CheckExact(row) || PyTuple_GET_SIZE(row) != rec->n)
        return PyErr_Format(PyExc_TypeError, "%s: expected a row of %zd fields, got %R",
                            rec->name, rec->n, row);
    if (!(o = rec->cls->tp_alloc(rec->cls, 0)))
        return NULL;
    for (Py_ssize_t i = 0; i < rec->n; i++) {
        PyObject *v = PyTuple_GET_ITEM(row, i);
        Py_INCREF(v);
        *(PyObject **)((char *)o + rec->at[i]) = v;
    }
    return o;
}

static PyMethodDef crm_swig_make_def = {
    "make", crm_swig_make, METH_O, "The record of a row (a tuple of its fields)."};
%}

/* Both are called once by the crm package as it loads, and touch Python
 * objects: the GIL stays held. */
%nothread crm_swig_set_record_class;
%nothread crm_swig_set_word_class;
%inline %{
/* The package's class for the record `name`: each field must be a slot of
 * the class itself (its __slots__), whose offset the fillers write to.
 * Returns the record's maker, make(row) (crm_swig_make). */
PyObject *crm_swig_set_record_class(const char *name, PyObject *cls)
{
    crm_swig_record *rec = NULL;
    Py_ssize_t at[64], i, index = 0;
    PyObject *self, *make;
    for (i = 0; i < CRM_SWIG_RECORDS; i++)
        if (name && strcmp(crm_swig_records[i].name, name) == 0)
            rec = &crm_swig_records[index = i];
    if (!rec)
        return PyErr_Format(PyExc_KeyError, "no record is named %s", name ? name : "None");
    if (!PyType_Check(cls) || rec->n > (Py_ssize_t)(sizeof at / sizeof *at))
        return PyErr_Format(PyExc_TypeError, "%s: expected a class", name);
    for (i = 0; i < rec->n; i++) {
        PyObject *d = PyObject_GetAttrString(cls, rec->fields[i]);
        int slot = d && Py_IS_TYPE(d, &PyMemberDescr_Type) &&
                   ((PyMemberDescrObject *)d)->d_common.d_type == (PyTypeObject *)cls &&
                   ((PyMemberDescrObject *)d)->d_member->type == T_OBJECT_EX;
        if (slot)
            at[i] = ((PyMemberDescrObject *)d)->d_member->offset;
        Py_XDECREF(d);
        if (!slot) {
            PyErr_Clear();
            return PyErr_Format(PyExc_TypeError, "%s: the class has no slot %s of its own", name,
                                rec->fields[i]);
        }
    }
    if (!(self = PyLong_FromSsize_t(index)))
        return NULL;
    make = PyCFunction_New(&crm_swig_make_def, self);
    Py_DECREF(self);
    if (!make)
        return NULL;
    memcpy(rec->at, at, (size_t)rec->n * sizeof *at);
    Py_INCREF(cls);
    Py_XDECREF((PyObject *)rec->cls);
    rec->cls = (PyTypeObject *)cls;
    return make;
}

/* The package's class for the words of the fields whose python_type (in
 * records.py) is `python_type`: each word becomes cls(word). */
PyObject *crm_swig_set_word_class(const char *python_type, PyObject *cls)
{
    size_t i, found = 0;
    for (i = 0; i < sizeof crm_swig_word_tables / sizeof *crm_swig_word_tables; i++) {
        crm_swig_words *t = crm_swig_word_tables[i];
        if (!python_type || !t->python_type || strcmp(t->python_type, python_type) != 0)
            continue;
        Py_INCREF(cls);
        Py_XSETREF(t->cls, cls);
        for (int v = 0; v < CRM_SWIG_WORDS_MAX; v++)
            Py_CLEAR(t->word[v]);
        found++;
    }
    if (!found)
        return PyErr_Format(PyExc_KeyError, "no field has the type %s",
                            python_type ? python_type : "None");
    Py_RETURN_NONE;
}
%}

%{
/* A report's row (crm.i's _report_next): a tuple of its columns in order,
 * each by the type the cursor gives it (a TIME a datetime, NULL None);
 * None at the end. The crm package names the columns. */
static PyObject *crm_swig_report_row(const crm_swig_report_pair *r)
{
    if (!r->row)
        Py_RETURN_NONE;
    int n = crm_report_column_count(r->cur);
    PyObject *t = PyTuple_New(n);
    for (int i = 0; t && i < n; i++) {
        PyObject *v;
        if (crm_report_row_is_null(r->row, i))
            v = SWIG_Py_Void();
        else if (crm_report_column_type(r->cur, i) == CRM_VALUE_TEXT)
            v = crm_swig_str(crm_report_row_text(r->row, i));
        else if (crm_report_column_type(r->cur, i) == CRM_VALUE_REAL)
            v = PyFloat_FromDouble(crm_report_row_real(r->row, i));
        else if (crm_report_column_type(r->cur, i) == CRM_VALUE_TIME)
            v = crm_swig_time(crm_report_row_int(r->row, i));
        else
            v = PyLong_FromLongLong(crm_report_row_int(r->row, i));
        if (!v)
            Py_CLEAR(t);
        else
            PyTuple_SET_ITEM(t, i, v);
    }
    return t;
}
%}
