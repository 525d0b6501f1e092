/*
 * libcrm - Python: the error a failed call raises, and the one %exception.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * A negative status raises the crm package's exception class for the code
 * (crm.NotFound, crm.Conflict, ...; RuntimeError until the package has
 * installed its classes) with the code and crm_errmsg(db); after
 * CRM_EEXISTS the exception's conflict_id is crm_conflict_id(db), the id
 * of what is already there (None when libcrm names nothing), for every
 * call that can conflict, the low-level ones included.
 */

%{
/* Set by the pure-Python package: {code: exception class}. */
static PyObject *crm_swig_errors = NULL;

/* The exception a Python clock raised during the call now failing on this
 * thread (clock.i), or NULL: the cause of the error the call raises. */
static _Thread_local PyObject *crm_swig_clock_error = NULL;

/* Raises the class for code with (code, msg); a conflict_id names what is
 * already there (NULL: leave the class's None). Both strings are read
 * before the class is called: its __init__ is Python code, which may call
 * libcrm. */
static void crm_swig_raise(int code, const char *msg, const char *conflict_id)
{
    PyObject *cls = NULL, *id = NULL, *exc;
    if (crm_swig_errors) {
        PyObject *key = PyLong_FromLong(code);
        if (!key)
            return;
        cls = PyDict_GetItem(crm_swig_errors, key); /* borrowed */
        Py_DECREF(key);
    }
    if (!cls)
        cls = PyExc_RuntimeError;
    if (conflict_id && !(id = PyUnicode_FromString(conflict_id)))
        return;
    exc = PyObject_CallFunction(cls, "is", code, msg);
    if (crm_swig_clock_error) {
        if (exc)
            PyException_SetCause(exc, crm_swig_clock_error); /* steals it */
        else
            Py_DECREF(crm_swig_clock_error);
        crm_swig_clock_error = NULL;
    }
    if (exc && (!id || PyObject_SetAttrString(exc, "conflict_id", id) == 0))
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_XDECREF(exc);
    Py_XDECREF(id);
}

/* The failure of the call just made, on the stashed handle. */
static void crm_swig_raise_status(int code)
{
    const crm_db *db = crm_swig_db;
    crm_swig_db = NULL;
    crm_swig_raise(code, crm_errmsg(db), crm_conflict_id(db));
}
%}

/* It touches Python objects: the GIL stays held (every other call lets it
 * go: threads="1" in crm_python.i). Declared before the %exception, which
 * a void call has no result for. */
%nothread crm_swig_set_errors;
%inline %{
/* Called once by the crm package to install its exception classes. */
void crm_swig_set_errors(PyObject *map)
{
    Py_XINCREF(map);
    Py_XDECREF(crm_swig_errors);
    crm_swig_errors = map;
}
%}

%exception {
    $action
    if (CRM_SWIG_FAILED(result)) {
        crm_swig_raise_status(CRM_SWIG_CODE(result));
        SWIG_fail;
    }
    crm_swig_db = NULL;
}
