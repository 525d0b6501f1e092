/*
 * crmctl - the database's settings: config [NAME [VALUE]] [--unset].
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * One setting today, the default country national phone numbers are read
 * in, kept in the file so that a national number does not need --country
 * on every call.
 */
#include <stdbool.h>
#include <string.h>

#include "crmctl.h"

#define DEFAULT_COUNTRY "default_country"

static void show(crmctl *ctl, const char *country)
{
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_string(&j, DEFAULT_COUNTRY, country);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else {
        ctl_printf("%s  %s\n", DEFAULT_COUNTRY, country ? country : "(none)");
    }
}

int cmd_config(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    int unset = 0;
    const char *pos[2] = { NULL, NULL };
    const ctl_option opts[] = { { "unset", &unset, NULL }, { NULL, NULL, NULL } };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 0, 2);
    if (st != CTL_CONTINUE)
        return st;
    if (pos[0] && strcmp(pos[0], DEFAULT_COUNTRY) != 0)
        return ctl_usage_error(cmd, "no setting is named '%s'; the one there is: %s", pos[0],
                               DEFAULT_COUNTRY);
    if (unset && pos[1])
        return ctl_usage_error(cmd, "give a VALUE or --unset, not both");
    if (unset && !pos[0])
        return ctl_usage_error(cmd, "--unset removes one setting: name it");
    bool change = pos[1] || unset;
    /* The file's own setting: --country and $CRM_COUNTRY would stand in
     * for it on this handle. */
    const char *country = ctl->country;
    ctl->country = NULL;
    st = ctl_open(ctl, change ? CTL_WRITE : CTL_READ);
    ctl->country = country;
    if (st != EXIT_OK)
        return st;
    if (change) {
        const char *was = crm_default_country(ctl->db);
        char old[8];
        snprintf(old, sizeof old, "%s", was ? was : "");
        int rc = crm_default_country_set(ctl->db, unset ? NULL : pos[1]);
        if (rc != CRM_OK)
            return ctl_fail(ctl, rc);
        const char *now = crm_default_country(ctl->db);
        if (ctl->json) {
            show(ctl, now);
        } else if (strcmp(old, now ? now : "") == 0) {
            ctl_printf("%s  %s (unchanged)\n", DEFAULT_COUNTRY, now ? now : "(none)");
        } else {
            ctl_printf("%s  %s (was %s)\n", DEFAULT_COUNTRY, now ? now : "(none)",
                       *old ? old : "none");
        }
        return EXIT_OK;
    }
    show(ctl, crm_default_country(ctl->db));
    const char *kept = crm_default_country(ctl->db);
    bool same = kept && strlen(country ? country : "") == 2;
    for (int i = 0; same && i < 2; i++)
        same = (country[i] & ~0x20) == kept[i];
    if (!ctl->json && country && !same)
        ctl_error("note: this run reads national numbers in %s (%s)", country,
                  ctl->country_given ? "--country" : "$CRM_COUNTRY");
    return EXIT_OK;
}
