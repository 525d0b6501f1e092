/*
 * libcrm - Python: a handle's clock (crm_open_options.clock) from a
 * callable, for crm.open(..., clock=...).
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * libcrm calls the clock on the thread making a call, which runs without
 * the GIL: the callback takes it. The crm package passes a callable that
 * returns epoch milliseconds as an int (it converts what the program's
 * clock returns) and keeps it alive as long as the handle. An exception in
 * it makes the clock answer -1, which fails the call with CRM_EMISUSE; the
 * exception is kept for that thread and becomes the __cause__ of the
 * crm.Misuse the call raises (crm_swig_raise, errors.i).
 */

%{
static int64_t crm_swig_py_clock(void *ctx)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    /* The handle of the call in progress, stashed for its error: Python
     * code may make calls of its own, which clear it. */
    const crm_db *db = crm_swig_db;
    int64_t ms = -1;
    PyObject *r = PyObject_CallObject((PyObject *)ctx, NULL);
    if (r) {
        long long v = PyLong_AsLongLong(r);
        if (!(v == -1 && PyErr_Occurred()))
            ms = v;
        Py_DECREF(r);
    }
    if (PyErr_Occurred()) {
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        if (tb && value)
            PyException_SetTraceback(value, tb);
        Py_XDECREF(crm_swig_clock_error);
        crm_swig_clock_error = value;
        Py_XDECREF(type);
        Py_XDECREF(tb);
        ms = -1;
    }
    crm_swig_db = db;
    PyGILState_Release(gil);
    return ms;
}
%}

%inline %{
/* crm_swig_open with a clock: a callable taking no argument and returning
 * epoch milliseconds (borrowed: the caller keeps it alive while the handle
 * is open), or None for the system's. */
int crm_swig_open_clocked(crm_db **out, const char *path, unsigned int flags,
                          int busy_timeout_ms, int durability, const char *actor,
                          const char *default_country, PyObject *clock)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = flags;
    o.busy_timeout_ms = busy_timeout_ms;
    o.durability = (crm_durability_t)durability;
    o.actor = actor;
    o.default_country = default_country;
    if (clock != Py_None) {
        o.clock = crm_swig_py_clock;
        o.clock_ctx = clock;
    }
    return crm_open(out, path, &o);
}
%}
