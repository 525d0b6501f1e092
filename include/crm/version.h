/*
 * libcrm - version of the library.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#ifndef CRM_VERSION_H
#define CRM_VERSION_H

#include "common.h"

/* The version these headers belong to. The build reads it from here. */
#define CRM_VERSION_MAJOR 0
#define CRM_VERSION_MINOR 3
#define CRM_VERSION_PATCH 0
#define CRM_VERSION_STRING "0.3.0"
/** MAJOR * 10000 + MINOR * 100 + PATCH, for comparisons in `#if`. */
#define CRM_VERSION_NUMBER \
    (CRM_VERSION_MAJOR * 10000 + CRM_VERSION_MINOR * 100 + CRM_VERSION_PATCH)

CRM_BEGIN_DECL

/**
 * The version of the library actually linked, as "MAJOR.MINOR.PATCH".
 * Static storage; never NULL. Compare with CRM_VERSION_STRING to detect a
 * header/library mismatch.
 */
CRM_EXTERN(const char *) crm_version(void);

/** The linked library's CRM_VERSION_NUMBER. */
CRM_EXTERN(int) crm_version_number(void);

CRM_END_DECL

#endif
