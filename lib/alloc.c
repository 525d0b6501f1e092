/*
 * libcrm - the one allocator every allocation of the library goes through,
 * so an embedder (or a test) can supply its own, e.g. one that fails on
 * demand.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "internal/alloc.h"

static void *std_malloc(size_t size, void *payload)
{
    (void)payload;
    return malloc(size);
}

static void *std_realloc(void *ptr, size_t size, void *payload)
{
    (void)payload;
    return realloc(ptr, size);
}

static void std_free(void *ptr, void *payload)
{
    (void)payload;
    free(ptr);
}

static crm_allocator allocator = { CRM_ALLOCATOR_VERSION, std_malloc, std_realloc, std_free, NULL };
static atomic_int open_handles;

void crm__handles_add(int delta)
{
    atomic_fetch_add(&open_handles, delta);
}

int crm_config_allocator(const crm_allocator *a)
{
    if (atomic_load(&open_handles) != 0)
        return CRM_EMISUSE;
    if (a == NULL) {
        allocator = (crm_allocator){ CRM_ALLOCATOR_VERSION, std_malloc, std_realloc, std_free, NULL };
        return CRM_OK;
    }
    if (a->version != CRM_ALLOCATOR_VERSION || !a->malloc || !a->realloc || !a->free)
        return CRM_EINVAL;
    allocator = *a;
    return CRM_OK;
}

void *crm__malloc(size_t size)
{
    return allocator.malloc(size ? size : 1, allocator.payload);
}

void *crm__calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = crm__malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *crm__realloc(void *ptr, size_t size)
{
    return allocator.realloc(ptr, size ? size : 1, allocator.payload);
}

void crm__free(void *ptr)
{
    if (ptr)
        allocator.free(ptr, allocator.payload);
}

void crm_free(void *ptr)
{
    crm__free(ptr);
}

char *crm__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = crm__malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}
