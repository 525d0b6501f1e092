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

/* A str with no UTF-8 form: a lone surrogate (what os.fsdecode() makes of
 * bytes that are not UTF-8, with errors="surrogateescape"). Text of the
 * right type with a value libcrm cannot take, so crm.InvalidArgument,
 * naming the argument and where the surrogate is. */
static void crm_swig_refuse_surrogate(PyObject *s, const char *arg)
{
    Py_ssize_t at = 0, n = PyUnicode_GET_LENGTH(s);
    while (at < n) {
        Py_UCS4 c = PyUnicode_READ_CHAR(s, at);
        if (c >= 0xD800 && c <= 0xDFFF)
            break;
        at++;
    }
    char msg[200];
    snprintf(msg, sizeof msg, "%s: not valid UTF-8 text: a lone surrogate (U+%04X) at index %zd",
             arg, at < n ? (unsigned)PyUnicode_READ_CHAR(s, at) : 0u, at);
    crm_swig_raise(CRM_EINVAL, msg, NULL);
}
%}

/* Text arguments: a str is read in place as UTF-8 (CPython keeps that form
 * with the str), without the copy SWIG's own typemap makes for every
 * argument of every call; None is C's NULL. What is refused, and how, is
 * as with SWIG's typemap: anything else raises TypeError "in method 'f',
 * argument n of type 'char const *'". A str holding a NUL, or with no
 * UTF-8 form (a lone surrogate), raises crm.InvalidArgument before libcrm
 * is called (crm_swig_refuse_nul, crm_swig_refuse_surrogate). */
%typemap(in, noblock=1) const char * (Py_ssize_t len = 0) {
  if ($input == Py_None) {
    $1 = NULL;
  } else if (!PyUnicode_Check($input)) {
    SWIG_exception_fail(SWIG_TypeError, "in method '" "$symname" "', argument " "$argnum"" of type '" "$1_type""'");
  } else if (!($1 = ($1_ltype)PyUnicode_AsUTF8AndSize($input, &len))) {
    PyErr_Clear();
    crm_swig_refuse_surrogate($input, "$1_name");
    SWIG_fail;
  } else if (memchr($1, 0, (size_t)len)) {
    crm_swig_refuse_nul($input, "$1_name");
    SWIG_fail;
  }
}
%typemap(freearg) const char * ""

/* A list of words (`channels`, the timeline filter's channel_names): None
 * is NULL; any other sequence of str is passed as a NULL-terminated array
 * of its words, each whole, commas and spaces included, for libcrm to
 * judge (a word with a comma in it is one bad name, not two names). The
 * sequence is copied into a tuple first: the call runs without the GIL,
 * and a list another thread changed meanwhile could free a word C is
 * reading. A str itself is refused (it would be read as its characters),
 * as is a non-str item or one holding a NUL. */
%typemap(in, noblock=1) const char *const *channels (PyObject *words = NULL,
                                                     const char **array = NULL) {
  if ($input != Py_None) {
    Py_ssize_t n_, i_, len_;
    if (PyUnicode_Check($input) || !(words = PySequence_Tuple($input))) {
      PyErr_Clear();
      SWIG_exception_fail(SWIG_TypeError, "in method '" "$symname" "', argument " "$argnum"" of type 'a sequence of str'");
    }
    n_ = PyTuple_GET_SIZE(words);
    if (!(array = (const char **)malloc(((size_t)n_ + 1) * sizeof *array))) {
      PyErr_NoMemory();
      SWIG_fail;
    }
    for (i_ = 0; i_ < n_; i_++) {
      PyObject *w_ = PyTuple_GET_ITEM(words, i_);
      if (!PyUnicode_Check(w_) || !(array[i_] = PyUnicode_AsUTF8AndSize(w_, &len_))) {
        PyErr_Clear();
        SWIG_exception_fail(SWIG_TypeError, "in method '" "$symname" "', argument " "$argnum"" of type 'a sequence of str'");
      }
      if (memchr(array[i_], 0, (size_t)len_)) {
        crm_swig_refuse_nul(w_, "$1_name");
        SWIG_fail;
      }
    }
    array[n_] = NULL;
  }
  $1 = ($1_ltype)array;
}
%typemap(freearg, noblock=1) const char *const *channels {
  free(array$argnum);
  Py_XDECREF(words$argnum);
}
