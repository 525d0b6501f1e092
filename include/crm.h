/*
 * libcrm - an embeddable customer-relationship library.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * The umbrella header: include this and nothing else.
 */
#ifndef CRM_H
#define CRM_H

#include "crm/common.h"
#include "crm/version.h"
#include "crm/error.h"
#include "crm/db.h"
#include "crm/customer.h"
#include "crm/identity.h"
#include "crm/journal.h"
#include "crm/interaction.h"
#include "crm/promise.h"
#include "crm/occasion.h"
#include "crm/report.h"
#include "crm/agenda.h"
#include "crm/search.h"
#include "crm/consent.h"
#include "crm/verify.h"
#include "crm/privacy.h"
#include "crm/merge.h"
#include "crm/io.h"
#include "crm/id.h"

#endif
