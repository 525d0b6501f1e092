/*
 * libcrm - the C every binding starts with: included first by each
 * language's crm_<language>.i, before that language's own pieces, which
 * use it (see crm.i for the layout).
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */

%{
#include "crm.h"
#include <string.h>

/* The handle of the call being wrapped, stashed by the check typemap on
 * `crm_db *db` (crm.i), for the language's %exception to read the
 * failure's message and conflict id from. A call not given a handle (a
 * cursor's _next, a _parse) leaves it NULL: libcrm keeps those failures'
 * messages for crm_errmsg(NULL). */
static _Thread_local const crm_db *crm_swig_db = NULL;

/* A status is a failure when an int-returning call gives a negative code.
 * %exception wraps every call; _Generic makes the check a constant 0 for
 * calls returning anything but int (strings, int64_t times, enums). The
 * few int calls whose result is not a status are %noexception (crm.i). */
#define CRM_SWIG_FAILED(r) (_Generic((r), int: (r), default: 0) < 0)
#define CRM_SWIG_CODE(r) ((int)_Generic((r), int: (r), default: 0))

/* A report's row as it crosses (crm.i's _report_next): the row and the
 * cursor that describes its columns. */
typedef struct crm_swig_report_pair {
    const crm_report_cursor *cur;
    const crm_report_row *row;
} crm_swig_report_pair;
%}
