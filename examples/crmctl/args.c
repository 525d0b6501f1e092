/*
 * crmctl - command-line arguments.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "crmctl.h"
#include "timeparse.h"

static int report(int status, const ctl_command *cmd, const char *fmt, va_list ap)
{
    FILE *f = ctl_err_begin();
    if (cmd)
        fprintf(f, "%s: ", cmd->name);
    ctl_vfprintf(f, fmt, ap);
    ctl_err_end(f);
    if ((f = ctl_err_extra()) == NULL)
        return status;
    if (cmd)
        fprintf(f, "usage: crmctl %s%s%s\nTry 'crmctl %s --help'.\n", cmd->name,
                *cmd->args ? " " : "", cmd->args, cmd->name);
    else
        fputs("Try 'crmctl --help'.\n", f);
    return status;
}

int ctl_usage_error(const ctl_command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = report(EXIT_USAGE, cmd, fmt, ap);
    va_end(ap);
    return st;
}

int ctl_value_error(const ctl_command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = report(EXIT_INVALID, cmd, fmt, ap);
    va_end(ap);
    return st;
}

int ctl_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

/* The edit distance between a and b (insertions, deletions, substitutions
 * and swaps of neighbours each count one), or SIZE_MAX past 63 bytes. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    enum { MAX = 64 };
    if (la >= MAX || lb >= MAX)
        return SIZE_MAX;
    size_t d[MAX][MAX];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t k = 0; k <= lb; k++)
        d[0][k] = k;
    for (size_t i = 1; i <= la; i++)
        for (size_t k = 1; k <= lb; k++) {
            size_t best = d[i - 1][k - 1] + (a[i - 1] != b[k - 1]);
            if (d[i - 1][k] + 1 < best)
                best = d[i - 1][k] + 1;
            if (d[i][k - 1] + 1 < best)
                best = d[i][k - 1] + 1;
            if (i > 1 && k > 1 && a[i - 1] == b[k - 2] && a[i - 2] == b[k - 1] &&
                d[i - 2][k - 2] + 1 < best)
                best = d[i - 2][k - 2] + 1;
            d[i][k] = best;
        }
    return d[la][lb];
}

const char *ctl_suggest(const char *word, size_t len, const char *const *cands, size_t n)
{
    /* One slip in a short word, two in a longer one; or the start of
     * exactly one candidate ("prom" for "promise"). */
    size_t limit = len <= 3 ? 1 : 2, best = SIZE_MAX;
    const char *found = NULL, *prefix_of = NULL;
    int prefixes = 0;
    for (size_t i = 0; i < n; i++) {
        size_t lc = strlen(cands[i]);
        if (len >= 2 && len < lc && memcmp(cands[i], word, len) == 0 &&
            (!prefix_of || strcmp(prefix_of, cands[i]) != 0)) {
            prefix_of = cands[i];
            prefixes++;
        }
        size_t d = edit_distance(word, len, cands[i], lc);
        if (d < best) {
            best = d;
            found = cands[i];
        }
    }
    if (found && best > 0 && best <= limit && best < len)
        return found;
    return prefixes == 1 ? prefix_of : NULL;
}

/*
 * The name cmd's usage gives its positional argument number index (from 0):
 * "WHAT" in "CUSTOMER [--owner WHO] --due TIME WHAT". Optional parts in
 * brackets or parentheses and the values of options are not arguments.
 * Written to buf; "" when the usage does not say.
 */
static const char *argument_name(const ctl_command *cmd, int index, char buf[64])
{
    const char *p = cmd->args;
    int depth = 0, after_option = 0, k = 0;
    buf[0] = '\0';
    while (*p) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (len == 0)
            break;
        int opens = 0, closes = 0;
        for (size_t i = 0; i < len; i++) {
            opens += p[i] == '[' || p[i] == '(';
            closes += p[i] == ']' || p[i] == ')';
        }
        int is_option = p[0] == '-';
        if (depth == 0 && opens == 0 && !is_option && !after_option) {
            if (k++ == index) {
                snprintf(buf, 64, "%.*s", (int)(len < 63 ? len : 63), p);
                return buf;
            }
        }
        after_option = is_option && !memchr(p, '|', len) && closes == 0;
        depth += opens - closes;
        if (depth < 0)
            depth = 0;
        p += len;
    }
    return buf;
}

static const ctl_option *find_option(const ctl_option *opts, const char *name, size_t len)
{
    for (; opts && opts->name; opts++)
        if (strlen(opts->name) == len && memcmp(opts->name, name, len) == 0)
            return opts;
    return NULL;
}

int ctl_parse(crmctl *ctl, const ctl_command *cmd, int argc, char **argv,
              const ctl_option *opts, const char **pos, int min_pos, int max_pos)
{
    /* The global options are accepted after the command words too. */
    const char *country = NULL;
    const ctl_option globals[] = {
        { "db", NULL, &ctl->db_path },
        { "actor", NULL, &ctl->actor },
        { "country", NULL, &country },
        { "json", &ctl->json, NULL },
        { "csv", &ctl->csv, NULL },
        { "utc", &ctl->utc, NULL },
        { NULL, NULL, NULL },
    };
    int npos = 0, help = 0, options_done = 0;

    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        /* "-" and negative numbers are values, not options. */
        if (options_done || arg[0] != '-' || arg[1] == '\0' || (arg[1] >= '0' && arg[1] <= '9')) {
            if (npos == max_pos)
                return ctl_usage_error(cmd, "unexpected argument '%s'%s", arg,
                                       max_pos > 0 ? " (quote values that contain spaces)" : "");
            pos[npos++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            help = 1;
            continue;
        }
        if (arg[1] != '-')
            return ctl_usage_error(cmd, "unknown option '%s'", arg);

        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const ctl_option *o = find_option(opts, name, len);
        if (!o)
            o = find_option(globals, name, len);
        if (!o) {
            const char *names[64];
            size_t n = 0;
            for (const ctl_option *a = opts; a && a->name && n < 64; a++)
                names[n++] = a->name;
            for (const ctl_option *a = globals; a->name && n < 64; a++)
                names[n++] = a->name;
            const char *near = ctl_suggest(name, len, names, n);
            if (near)
                return ctl_usage_error(cmd, "unknown option '--%.*s'; did you mean '--%s'?",
                                       (int)len, name, near);
            return ctl_usage_error(cmd, "unknown option '--%.*s'", (int)len, name);
        }
        if (o->flag) {
            if (eq)
                return ctl_usage_error(cmd, "option '--%s' takes no value", o->name);
            *o->flag = 1;
        } else if (eq) {
            *o->value = eq + 1;
        } else if (i + 1 < argc) {
            *o->value = argv[++i];
        } else {
            return ctl_usage_error(cmd, "option '--%s' needs a value", o->name);
        }
    }
    if (help) {
        ctl_command_help(cmd, stdout);
        return EXIT_OK;
    }
    if (npos < min_pos) {
        char name[64];
        if (*argument_name(cmd, npos, name))
            return ctl_usage_error(cmd, "missing argument %s", name);
        return ctl_usage_error(cmd, "missing argument%s", min_pos - npos > 1 ? "s" : "");
    }
    if (country) {
        ctl->country = *country ? country : NULL;
        ctl->country_given = 1;
    }
    ctl_time_set_utc(ctl->utc);
    if (ctl->csv) {
        ctl->json = 1;
        ctl_output_csv(1);
    }
    return CTL_CONTINUE;
}

int ctl_parse_time(const ctl_command *cmd, const char *name, const char *text, int64_t *out)
{
    const char *why = NULL;
    if (ctl_time_parse(text, crm_now(), out, &why) == 0)
        return CTL_CONTINUE;
    return ctl_value_error(cmd,
                           "--%s: '%s' is not a time (%s); write 2026-11-27T17:00, "
                           "2026-11-27, 2026-11-27T17:00Z, +3d, -2h or now",
                           name, text, why);
}
