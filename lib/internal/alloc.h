/*
 * libcrm - memory, through the allocator crm_config_allocator() set (alloc.c). Private to the library: nothing here is exported, and
 * names use a double underscore.
 */
#ifndef CRM_INTERNAL_ALLOC_H
#define CRM_INTERNAL_ALLOC_H

#include <stddef.h>

/* ---- memory (alloc.c) --------------------------------------------------- */
void *crm__malloc(size_t size);
void *crm__calloc(size_t n, size_t size);
void *crm__realloc(void *ptr, size_t size);
void crm__free(void *ptr);
char *crm__strdup(const char *s);
/* Handles currently open, so the allocator cannot change under them. */
void crm__handles_add(int delta);

#endif
