/*
 * libcrm - a search query as a person typed it, made into terms
 * (search_query.c). Private to the library: nothing here is exported, and
 * names use a double underscore.
 */
#ifndef CRM_INTERNAL_SEARCH_H
#define CRM_INTERNAL_SEARCH_H

#include <stddef.h>

#include "crm.h"
#include "store/store.h"

typedef struct crm__search_query {
    crm__text_term terms[CRM_SEARCH_TERMS_MAX];
    size_t n;
} crm__search_query;

/* Parse text (a C string) into q, whose terms point into text: CRM_OK, or
 * CRM_EINVAL with *why saying what is wrong with it in words a person can
 * act on (static storage). Never reads past the NUL. */
int crm__search_parse(crm__search_query *q, const char *text, const char **why);

#endif
