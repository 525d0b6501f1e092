/*
 * libcrm - channels by name (interaction.c), for the concepts that name a
 * channel as interactions do. Private to the library.
 */
#ifndef CRM_INTERNAL_CHANNEL_H
#define CRM_INTERNAL_CHANNEL_H

#include <stdint.h>

#include "crm.h"

/* The number of channel name (a well-formed word, built in or custom) in
 * *code, keeping a custom name no interaction has used yet as a new
 * channel, as logging an interaction on it does. In a write transaction. */
int crm__channel_keep(crm_db *db, const char *name, int64_t *code);

#endif
