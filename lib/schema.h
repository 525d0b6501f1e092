/*
 * libcrm - the schema migrations, compiled in from lib/schema/NNNN_*.sql.
 * Migration i (0-based) takes user_version i to i + 1.
 */
#ifndef CRM_SCHEMA_H
#define CRM_SCHEMA_H

extern const char *const crm__migrations[];
extern const int crm__migration_count;

#endif
