/*
 * libcrm - Python: what an out-parameter becomes (the hooks crm.i's
 * out-parameter typemaps use).
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */

%define CRM_SWIG_SET_RESULT(OBJ)
    Py_XDECREF($result);
    $result = OBJ;
%enddef

#define CRM_SWIG_PTR(P, DESC, OWN) SWIG_NewPointerObj(P, DESC, OWN)
/* A cursor is owned like a record: the proxy frees it when collected, and
 * the crm package frees it before closing the database. */
#define CRM_SWIG_CURSOR_OWN SWIG_POINTER_OWN
#define CRM_SWIG_INT64(V) PyLong_FromLongLong(V)
#define CRM_SWIG_STR(S) ((S) ? SWIG_FromCharPtr(S) : SWIG_Py_Void())
#define CRM_SWIG_INT(V) PyLong_FromLong(V)
