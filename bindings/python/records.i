/*
 * libcrm - Python: a record as a tuple of its fields, in the order of the
 * crm package's record class's __slots__ (crm.i's "records in one
 * crossing"). The builders, one per record, are made by gen_records.py from
 * bindings/records.py, with the tuples' layout (crm._lowlevel._RECORD_FIELDS,
 * the classes' __slots__); the conversions they use are here.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */

/* SWIG's text conversion, emitted here, before the builders that use it
 * (SWIG emits it where a typemap first needs it otherwise: later). */
%fragment("SWIG_FromCharPtr");

%{
#include <datetime.h>

/* A time as the crm package gives it: None for CRM_TIME_NONE (no time),
 * else EPOCH + timedelta(milliseconds=ms), an aware datetime in UTC, built
 * from its fields (the date of the day number by libcrm's calendar,
 * crm_date_from_days()), the same value at a fraction of the cost. libcrm stores
 * only times in datetime's range (CRM_TIME_MIN..CRM_TIME_MAX); one outside
 * it, which a file written before 0.3 may hold, is read as the nearest end
 * of the range rather than fail every read that meets it. */
static PyObject *crm_swig_time(int64_t ms)
{
    if (ms == CRM_TIME_NONE)
        Py_RETURN_NONE;
    if (ms < CRM_TIME_MIN)
        ms = CRM_TIME_MIN;
    else if (ms > CRM_TIME_MAX)
        ms = CRM_TIME_MAX;
    int64_t days = ms / 86400000, rem = ms % 86400000;
    if (rem < 0) {
        rem += 86400000;
        days--;
    }
    int year, month, day;
    crm_date_from_days(&year, &month, &day, days); /* in range: it cannot fail */
    int r = (int)rem;
    return PyDateTimeAPI->DateTime_FromDateAndTime(
        year, month, day, r / 3600000, r / 60000 % 60, r / 1000 % 60, r % 1000 * 1000,
        PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
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

/* Fills column I of the tuple ROW with EXPR; on the first NULL (an
 * exception is set) the partial tuple is dropped and NULL returned. */
#define CRM_SWIG_COL(ROW, I, EXPR)          \
    do {                                    \
        PyObject *v_ = (EXPR);              \
        if (!v_) {                          \
            Py_DECREF(ROW);                 \
            return NULL;                    \
        }                                   \
        PyTuple_SET_ITEM(ROW, I, v_);       \
    } while (0)
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
