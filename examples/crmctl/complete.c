/*
 * crmctl - completion of a command line, for the shell's completion
 * scripts (completion.bash): `crmctl __complete WORDS... CURRENT` prints
 * each word CURRENT may become, one a line. Everything it knows comes from
 * the command table (names, arguments and the options their help lists)
 * and from libcrm's own names for its words (channels, kinds, outcomes),
 * so that completion cannot fall behind the tool.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <string.h>

#include "crmctl.h"

/* The global options; 1 where a value follows. */
static const struct {
    const char *name;
    int takes_value;
} globals[] = {
    { "db", 1 },    { "actor", 1 }, { "country", 1 }, { "json", 0 },
    { "csv", 0 },   { "utc", 0 },   { "help", 0 },    { "version", 0 },
};
#define NGLOBALS (sizeof globals / sizeof globals[0])

/* libcrm's words for an enum, by value: NULL for a value that has none. */
typedef const char *(*name_fn)(int);
static const char *channel(int i) { return i >= 1 && i <= CRM_CHANNEL_MAX ? crm_channel_name((crm_channel_t)i) : NULL; }
static const char *direction(int i) { return crm_direction_name((crm_direction_t)i); }
static const char *outcome(int i) { return crm_outcome_name((crm_outcome_t)i); }
static const char *customer_kind(int i) { return crm_customer_kind_name((crm_customer_kind_t)i); }
static const char *order(int i) { return crm_customer_order_name((crm_customer_order_t)i); }
static const char *agenda_kind(int i) { return crm_agenda_kind_name((crm_agenda_kind_t)i); }
static const char *search_kind(int i) { return crm_search_kind_name((crm_search_kind_t)i); }
static const char *period(int i) { return crm_report_period_name((crm_report_period_t)i); }

/* Which words an option's value may be: for the commands whose name starts
 * with command (NULL: any), the first row that fits. */
static const struct {
    const char *command;
    const char *option;
    name_fn names;
} option_values[] = {
    { NULL, "channel", channel },
    { NULL, "channels", channel },
    { NULL, "direction", direction },
    { NULL, "outcome", outcome },
    { "customer", "kind", customer_kind },
    { "import", "kind", customer_kind },
    { "agenda", "kind", agenda_kind },
    { "search", "kinds", search_kind },
    { "customer list", "order", order },
    { "report", "period", period },
};

/* Which words a positional argument may be, by the command and its place. */
static const struct {
    const char *command;
    int position;
    name_fn names;
} arg_values[] = {
    { "report", 0, ctl_report_name },
};

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Print name (len bytes) if it starts with cur. */
static void offer(const char *prefix, const char *name, size_t len, const char *cur)
{
    size_t lp = strlen(prefix), lc = strlen(cur);
    if (lp + len < lc)
        return;
    if (lc <= lp ? strncmp(prefix, cur, lc) != 0
                 : strncmp(prefix, cur, lp) != 0 || strncmp(name, cur + lp, lc - lp) != 0)
        return;
    printf("%s%.*s\n", prefix, (int)len, name);
}

static void offer_names(name_fn names, const char *cur)
{
    for (int i = 0; i < 64; i++) {
        const char *n = names(i);
        if (n)
            offer("", n, strlen(n), cur);
    }
}

/* Whether text holds "--name" as an option (not inside a longer one), and
 * whether a value follows it there: one space, then a value's name
 * ("--due TIME"), where a description would stand two spaces away. */
static int find_option_in(const char *text, const char *name, size_t len, int *takes_value)
{
    int found = 0;
    for (const char *p = text ? strstr(text, "--") : NULL; p; p = strstr(p + 2, "--")) {
        if (p > text && !strchr(" [(|\n", p[-1]))
            continue;
        const char *q = p + 2;
        if (strncmp(q, name, len) != 0 || q[len] == '-' || (q[len] >= 'a' && q[len] <= 'z'))
            continue;
        found = 1;
        if (q[len] == ' ' && q[len + 1] && !strchr(" [(|-", q[len + 1]))
            *takes_value = 1;
    }
    return found;
}

/* Whether option name (len bytes) takes a value in cmd (NULL: no command
 * yet); -1 if neither cmd nor the globals know it. */
static int option_takes_value(const ctl_command *cmd, const char *name, size_t len)
{
    for (size_t i = 0; i < NGLOBALS; i++)
        if (strlen(globals[i].name) == len && strncmp(globals[i].name, name, len) == 0)
            return globals[i].takes_value;
    int value = 0;
    if (cmd && (find_option_in(cmd->args, name, len, &value) |
                find_option_in(cmd->details, name, len, &value)))
        return value;
    return -1;
}

/* Print each option of cmd's help (and the global ones) that starts with
 * cur, once each. */
static void offer_options(const ctl_command *cmd, const char *cur)
{
    const char *names[128];
    size_t lens[128], n = 0;
    for (size_t i = 0; i < NGLOBALS; i++) {
        if (cmd && strcmp(globals[i].name, "version") == 0)
            continue; /* only before a command */
        names[n] = globals[i].name;
        lens[n++] = strlen(globals[i].name);
    }
    const char *texts[] = { cmd ? cmd->args : NULL, cmd ? cmd->details : NULL };
    for (size_t t = 0; t < 2; t++)
        for (const char *p = texts[t] ? strstr(texts[t], "--") : NULL; p && n < 128;
             p = strstr(p + 2, "--")) {
            size_t len = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
            if ((p > texts[t] && !strchr(" [(|\n", p[-1])) || len == 0 || p[2] == '-')
                continue;
            size_t k = 0;
            while (k < n && !(lens[k] == len && strncmp(names[k], p + 2, len) == 0))
                k++;
            if (k == n) {
                names[n] = p + 2;
                lens[n++] = len;
            }
        }
    for (size_t k = 0; k < n; k++)
        offer("--", names[k], lens[k], cur);
}

/* The words after the first depth that commands starting with words have. */
static void offer_command_words(const ctl_command *cmds, size_t ncmds, char **words, int depth,
                                const char *cur)
{
    char seen[4096] = " ";
    if (depth == 0)
        offer("", "help", 4, cur);
    for (size_t i = 0; i < ncmds; i++) {
        const char *p = cmds[i].name;
        int k = 0;
        for (; k < depth; k++) {
            size_t len = strlen(words[k]);
            if (strncmp(p, words[k], len) != 0 || p[len] != ' ')
                break;
            p += len + 1;
        }
        if (k < depth)
            continue;
        size_t len = strcspn(p, " ");
        char key[64];
        if (len + 3 > sizeof key)
            continue;
        snprintf(key, sizeof key, " %.*s ", (int)len, p);
        if (strstr(seen, key) || strlen(seen) + len + 2 > sizeof seen)
            continue;
        strcat(seen, key + 1);
        offer("", p, len, cur);
    }
}

/* The command words[0..n) name in full, or NULL. */
static const ctl_command *full_command(const ctl_command *cmds, size_t ncmds, char **words, int n)
{
    for (size_t i = 0; i < ncmds; i++) {
        const char *p = cmds[i].name;
        int k = 0;
        for (; k < n; k++) {
            size_t len = strlen(words[k]);
            if (strncmp(p, words[k], len) != 0 || (p[len] != ' ' && p[len] != '\0'))
                break;
            p += len + (p[len] == ' ');
        }
        if (k == n && *p == '\0')
            return &cmds[i];
    }
    return NULL;
}

/* Whether some command's name starts with words[0..n). */
static int command_prefix(const ctl_command *cmds, size_t ncmds, char **words, int n)
{
    for (size_t i = 0; i < ncmds; i++) {
        const char *p = cmds[i].name;
        int k = 0;
        for (; k < n; k++) {
            size_t len = strlen(words[k]);
            if (strncmp(p, words[k], len) != 0 || (p[len] != ' ' && p[len] != '\0'))
                break;
            p += len + (p[len] == ' ');
        }
        if (k == n)
            return 1;
    }
    return 0;
}

int ctl_complete(const ctl_command *cmds, size_t ncmds, int argc, char **argv)
{
    if (argc == 0)
        return EXIT_OK;
    const char *cur = argv[argc - 1];
    char *words[8];
    int nwords = 0, words_done = 0, npos = 0, help = 0;
    const char *pending = NULL; /* an option whose value is next */
    size_t pending_len = 0;
    const ctl_command *cmd = NULL;
    for (int i = 0; i < argc - 1; i++) {
        char *w = argv[i];
        if (pending) {
            pending = NULL;
            continue;
        }
        if (w[0] == '-' && w[1] == '-' && w[2]) {
            size_t len = strcspn(w + 2, "=");
            if (!w[2 + len] && option_takes_value(cmd, w + 2, len) == 1) {
                pending = w + 2;
                pending_len = len;
            }
            continue;
        }
        if (w[0] == '-' && w[1])
            continue;
        if (nwords == 0 && !help && strcmp(w, "help") == 0) {
            help = 1;
            continue;
        }
        if (!words_done && nwords < 8) {
            words[nwords] = w;
            if (command_prefix(cmds, ncmds, words, nwords + 1)) {
                nwords++;
                const ctl_command *full = full_command(cmds, ncmds, words, nwords);
                if (full) {
                    cmd = full;
                    /* "customer" names no command but starts many; a full
                     * name that starts no longer one ends the words. */
                    words[nwords] = (char *)"";
                    int longer = 0;
                    for (size_t c = 0; c < ncmds; c++)
                        if (&cmds[c] != full && strncmp(cmds[c].name, full->name,
                                                        strlen(full->name)) == 0 &&
                            cmds[c].name[strlen(full->name)] == ' ')
                            longer = 1;
                    if (!longer)
                        words_done = 1;
                }
                continue;
            }
        }
        words_done = 1;
        npos++;
    }
    /* "--channel=s": the value after the "=". */
    if (!pending && cur[0] == '-' && cur[1] == '-' && strchr(cur, '=')) {
        pending = cur + 2;
        pending_len = strcspn(pending, "=");
        cur = pending + pending_len + 1;
    }
    if (pending) {
        for (size_t i = 0; i < sizeof option_values / sizeof option_values[0]; i++)
            if (strlen(option_values[i].option) == pending_len &&
                strncmp(option_values[i].option, pending, pending_len) == 0 &&
                (!option_values[i].command ||
                 (cmd && starts_with(cmd->name, option_values[i].command)))) {
                offer_names(option_values[i].names, cur);
                break;
            }
        return EXIT_OK;
    }
    if (cur[0] == '-') {
        if (!help)
            offer_options(cmd, cur);
        return EXIT_OK;
    }
    if (!words_done) {
        offer_command_words(cmds, ncmds, words, nwords, cur);
        if (!cmd || help)
            return EXIT_OK;
    }
    if (!cmd || help)
        return EXIT_OK;
    for (size_t i = 0; i < sizeof arg_values / sizeof arg_values[0]; i++)
        if (strcmp(cmd->name, arg_values[i].command) == 0 && arg_values[i].position == npos)
            offer_names(arg_values[i].names, cur);
    /* Words spelled out in the arguments: "csv|vcard|jsonl FILE". */
    const char *a = cmd->args;
    for (int k = 0; *a; k++) {
        size_t len = strcspn(a, " ");
        if (a[0] == '[' || a[0] == '(' || a[0] == '-')
            break;
        if (k == npos && memchr(a, '|', len) && a[0] >= 'a' && a[0] <= 'z') {
            for (const char *w = a; w < a + len;) {
                size_t wl = strcspn(w, "| ");
                offer("", w, wl, cur);
                w += wl + (w[wl] == '|');
            }
        }
        a += len;
        while (*a == ' ')
            a++;
    }
    return EXIT_OK;
}
