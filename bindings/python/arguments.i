/*
 * libcrm - Python: text arguments.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Integers are SWIG's own typemaps (an int past the C parameter's range
 * raises OverflowError in crm._lowlevel; the crm package checks ranges
 * first, see docs/python.md).
 */

%{
/* A str with a NUL in it: C would read only the text before the NUL (a
 * name "Mallory\0Admin" stored as "Mallory", an e-mail address checked
 * whole by the caller and stored cut short), so it is refused, naming the
 * argument (its name in the C declaration) and where the NUL is. */
static void crm_swig_refuse_nul(PyObject *s, const char *arg)
{
    Py_ssize_t at = PyUnicode_FindChar(s, 0, 0, PyUnicode_GET_LENGTH(s), 1);
    char msg[160];
    snprintf(msg, sizeof msg, "%s: contains a NUL character at index %zd; text cannot hold one",
             arg, at);
    crm_swig_raise(CRM_EINVAL, msg, NULL);
}
%}

/* Text arguments: a str is read in place as UTF-8 (CPython keeps that form
 * with the str), without the copy SWIG's own typemap makes for every
 * argument of every call; None is C's NULL. What is refused, and how, is
 * as with SWIG's typemap: anything else, and a str that has no UTF-8 form
 * (a lone surrogate), raises TypeError "in method 'f', argument n of type
 * 'char const *'". A str holding a NUL raises crm.InvalidArgument before
 * libcrm is called (crm_swig_refuse_nul). */
%typemap(in, noblock=1) const char * (Py_ssize_t len = 0) {
  if ($input == Py_None) {
    $1 = NULL;
  } else if (!PyUnicode_Check($input) ||
             !($1 = ($1_ltype)PyUnicode_AsUTF8AndSize($input, &len))) {
    PyErr_Clear();
    SWIG_exception_fail(SWIG_TypeError, "in method '" "$symname" "', argument " "$argnum"" of type '" "$1_type""'");
  } else if (memchr($1, 0, (size_t)len)) {
    crm_swig_refuse_nul($input, "$1_name");
    SWIG_fail;
  }
}
%typemap(freearg) const char * ""
