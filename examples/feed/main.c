/*
 * crm-feed - follow a libcrm journal and write each change as one line of
 * JSON, as a webhook relay or a search indexer would, keeping its place so
 * that a restart neither skips nor repeats a change.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Exactly once (README.md says it at length): lines go to an append-only
 * output; after each batch the output is flushed and fsync'ed, and only
 * then is the state replaced (state.h) with the last seq written and the
 * output's length right after it. A restart cuts the output back to that
 * length, which drops whatever was written after the last saved position
 * (a half-written line included), and reads the journal from the entry
 * after that seq. Standard output cannot be cut back, so there a restart
 * may repeat the last batch: at least once, each line carrying its seq.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>

#include <crm.h>

#include "line.h"
#include "state.h"

/* Exit statuses, those of BSD's sysexits.h, so a service manager or a
 * shell can tell "fix the command" from "fix the files" from "try again". */
enum {
    FEED_OK = 0,
    FEED_USAGE = 64,    /* the command line is wrong */
    FEED_BADSTATE = 65, /* the state is damaged, or does not fit the output or the journal */
    FEED_NODB = 66,     /* the database cannot be opened */
    FEED_BADDATA = 70,  /* a journal entry cannot be written as a line */
    FEED_CANTOUT = 73,  /* the output or the state cannot be created */
    FEED_IOERR = 74,    /* reading the journal, or writing the output or the state, failed */
    FEED_LOCKED = 75,   /* another crm-feed is using the state: try again later */
};

#define DEFAULT_INTERVAL_MS 1000
#define DEFAULT_BATCH 500

typedef struct feed {
    const char *db_path, *state_path, *out_path; /* out_path NULL: standard output */
    int follow;
    long interval_ms, batch;

    crm_db *db;
    int lock_fd;
    FILE *out;
    int out_fd, out_regular;
    feed_state st;
    feed_buf line;
    char err[FEED_PATH_MAX + 256];
} feed;

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int failf(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failf(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("crm-feed: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return status;
}

static void usage(FILE *to)
{
    fputs("usage: crm-feed --db FILE --state FILE [--out FILE] [--follow | --once]\n"
          "                [--interval MS] [--batch N]\n"
          "\n"
          "Write every change in the journal of the libcrm database FILE after the\n"
          "position saved in --state as one JSON line, and save the new position.\n"
          "\n"
          "  --db FILE       the database, opened read-only\n"
          "  --state FILE    where the position is kept (created on the first run)\n"
          "  --out FILE      append the lines to FILE, exactly once across restarts;\n"
          "                  without it they go to standard output, at least once\n"
          "  --once          write what the journal holds now, then exit (the default)\n"
          "  --follow        keep polling for new changes until SIGINT or SIGTERM\n"
          "  --interval MS   how long --follow sleeps between polls (default 1000)\n"
          "  --batch N       save the position at least every N lines (default 500)\n"
          "\n"
          "Exit status: 0 done; 64 usage; 65 bad or mismatched state; 66 database\n"
          "cannot be opened; 70 a journal entry cannot be written; 73 output or state\n"
          "cannot be created; 74 read or write failed; 75 state in use by another crm-feed.\n",
          to);
}

static int parse_long(long *out, const char *opt, const char *s, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return failf(FEED_USAGE, "%s wants a whole number from %ld to %ld, not '%s'", opt, min,
                     max, s);
    *out = v;
    return FEED_OK;
}

static int parse_args(feed *f, int argc, char **argv)
{
    int once = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(FEED_OK);
        }
        if (strcmp(a, "--follow") == 0) {
            f->follow = 1;
            continue;
        }
        if (strcmp(a, "--once") == 0) {
            once = 1;
            continue;
        }
        static const char *const with_value[] = { "--db", "--state", "--out", "--interval",
                                                  "--batch" };
        const char *val = NULL;
        size_t k;
        for (k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
            size_t n = strlen(with_value[k]);
            if (strcmp(a, with_value[k]) == 0) {
                if (i + 1 == argc)
                    return failf(FEED_USAGE, "%s wants a value (--help)", a);
                val = argv[++i];
                break;
            }
            if (strncmp(a, with_value[k], n) == 0 && a[n] == '=') {
                val = a + n + 1;
                break;
            }
        }
        if (!val)
            return failf(FEED_USAGE, "unknown argument '%s' (--help)", a);
        int rc = FEED_OK;
        switch (k) {
        case 0: f->db_path = val; break;
        case 1: f->state_path = val; break;
        case 2: f->out_path = val; break;
        case 3: rc = parse_long(&f->interval_ms, "--interval", val, 1, 3600000); break;
        case 4: rc = parse_long(&f->batch, "--batch", val, 1, 1000000); break;
        }
        if (rc != FEED_OK)
            return rc;
    }
    if (!f->db_path || !f->state_path)
        return failf(FEED_USAGE, "--db and --state are required (--help)");
    if (f->follow && once)
        return failf(FEED_USAGE, "--follow and --once cannot go together");
    if (f->out_path && strcmp(f->out_path, "-") == 0)
        f->out_path = NULL;
    if (*f->db_path == '\0' || *f->state_path == '\0' || (f->out_path && *f->out_path == '\0'))
        return failf(FEED_USAGE, "a file name cannot be empty");
    return FEED_OK;
}

/* One crm-feed per state: two would write each change twice and save
 * positions over each other. The lock goes with the process, a killed one
 * included. It sits on a file of its own because the state is replaced
 * by rename at every batch. */
static int take_lock(feed *f)
{
    char path[FEED_PATH_MAX + 8];
    if (snprintf(path, sizeof path, "%s.lock", f->state_path) >= (int)sizeof path)
        return failf(FEED_USAGE, "state path %s is too long", f->state_path);
    f->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (f->lock_fd < 0)
        return failf(FEED_CANTOUT, "cannot create lock %s: %s", path, strerror(errno));
    struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    if (fcntl(f->lock_fd, F_SETLK, &l) != 0) {
        if (errno == EACCES || errno == EAGAIN)
            return failf(FEED_LOCKED, "another crm-feed is using state %s", f->state_path);
        return failf(FEED_IOERR, "cannot lock %s: %s", path, strerror(errno));
    }
    return FEED_OK;
}

static int save_state(feed *f)
{
    if (feed_state_save(&f->st, f->state_path, f->err, sizeof f->err) != 0)
        return failf(FEED_IOERR, "%s", f->err);
    return FEED_OK;
}

/* Open --out and bring it back to the length the state recorded. */
static int open_file_output(feed *f, int have_state)
{
    int fd = open(f->out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return failf(FEED_CANTOUT, "cannot open output %s: %s", f->out_path, strerror(errno));
    f->out_fd = fd;
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return failf(FEED_IOERR, "cannot read output %s: %s", f->out_path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return failf(FEED_CANTOUT,
                     "output %s is not a regular file, which exactly once needs (it is cut "
                     "back on restart); leave out --out to write to standard output",
                     f->out_path);
    f->out_regular = 1;
    char abs[PATH_MAX];
    if (!realpath(f->out_path, abs))
        return failf(FEED_CANTOUT, "cannot resolve output %s: %s", f->out_path, strerror(errno));
    if (strlen(abs) > FEED_PATH_MAX)
        return failf(FEED_CANTOUT, "output path %s is too long", abs);

    if (!have_state) {
        /* A file already written with no position saved for it may hold
         * changes this run would write again: refuse rather than guess. */
        if (sb.st_size > 0)
            return failf(FEED_BADSTATE,
                         "output %s already holds %jd bytes but there is no state %s: restore "
                         "the state, or start a new output",
                         f->out_path, (intmax_t)sb.st_size, f->state_path);
        f->st.seq = 0;
        f->st.out_bytes = 0;
        strcpy(f->st.out, abs);
        /* Saved before the first line, so that a crash in the first batch
         * is cut back like any other. */
        return save_state(f);
    }
    if (strcmp(f->st.out, abs) != 0)
        return failf(FEED_BADSTATE, "state %s belongs to output %s, not %s", f->state_path,
                     strcmp(f->st.out, "-") == 0 ? "- (standard output)" : f->st.out, abs);
    if ((intmax_t)sb.st_size < (intmax_t)f->st.out_bytes)
        return failf(FEED_BADSTATE,
                     "output %s is %jd bytes, shorter than the %" PRId64 " state %s recorded: "
                     "it was cut or replaced, and changes up to seq %" PRId64 " would be missing",
                     abs, (intmax_t)sb.st_size, f->st.out_bytes, f->state_path, f->st.seq);
    if ((intmax_t)sb.st_size > (intmax_t)f->st.out_bytes) {
        /* Written after the last saved position, by a run that stopped
         * before it could save the next: those changes come again. */
        if (ftruncate(fd, (off_t)f->st.out_bytes) != 0 || fsync(fd) != 0)
            return failf(FEED_IOERR, "cannot cut output %s back to %" PRId64 " bytes: %s", abs,
                         f->st.out_bytes, strerror(errno));
        fprintf(stderr,
                "crm-feed: output %s cut back from %jd to %" PRId64
                " bytes, the end of seq %" PRId64 "\n",
                abs, (intmax_t)sb.st_size, f->st.out_bytes, f->st.seq);
    }
    return FEED_OK;
}

static int open_output(feed *f, int have_state)
{
    static char outbuf[1 << 16];
    if (f->out_path) {
        int rc = open_file_output(f, have_state);
        if (rc != FEED_OK)
            return rc;
        f->out = fdopen(f->out_fd, "a");
        if (!f->out)
            return failf(FEED_IOERR, "cannot write output %s: %s", f->out_path, strerror(errno));
    } else {
        if (have_state && strcmp(f->st.out, "-") != 0)
            return failf(FEED_BADSTATE,
                         "state %s belongs to output %s, not standard output: give --out %s",
                         f->state_path, f->st.out, f->st.out);
        f->out = stdout;
        f->out_fd = STDOUT_FILENO;
        struct stat sb;
        f->out_regular = fstat(STDOUT_FILENO, &sb) == 0 && S_ISREG(sb.st_mode);
        if (!have_state) {
            f->st.seq = 0;
            f->st.out_bytes = -1;
            strcpy(f->st.out, "-");
            int rc = save_state(f);
            if (rc != FEED_OK)
                return rc;
        }
    }
    /* Lines leave in one write per batch, or as the buffer fills. */
    setvbuf(f->out, outbuf, _IOFBF, sizeof outbuf);
    return FEED_OK;
}

/* Make the lines written so far durable, then move the position past
 * them. In this order: a crash between the two leaves the old position
 * and extra bytes that the next run cuts off. */
static int commit(feed *f, int64_t seq)
{
    const char *name = f->out_path ? f->out_path : "standard output";
    if (fflush(f->out) != 0)
        return failf(FEED_IOERR, "cannot write %s: %s", name, strerror(errno));
    if (fsync(f->out_fd) != 0 && (f->out_regular || (errno != EINVAL && errno != EROFS)))
        return failf(FEED_IOERR, "cannot sync %s: %s", name, strerror(errno));
    if (f->out_path) {
        struct stat sb;
        if (fstat(f->out_fd, &sb) != 0)
            return failf(FEED_IOERR, "cannot read output %s: %s", name, strerror(errno));
        f->st.out_bytes = (int64_t)sb.st_size;
    }
    f->st.seq = seq;
    return save_state(f);
}

/* Write up to f->batch entries after the saved position and save the
 * new one. *more says a full batch was read: there may be others. */
static int poll_journal(feed *f, int *more)
{
    *more = 0;
    crm_journal_entry_cursor *cur;
    int rc = crm_journal_entry_list_open(&cur, f->db, f->st.seq);
    if (rc != CRM_OK)
        return failf(FEED_IOERR, "cannot read the journal: %s (%s)", crm_errmsg(f->db),
                     crm_errname(rc));
    int status = FEED_OK;
    int64_t last = f->st.seq;
    long n = 0;
    const crm_journal_entry *e;
    while (n < f->batch && !stop_requested) {
        rc = crm_journal_entry_cursor_next(cur, &e);
        if (rc == CRM_DONE)
            break;
        if (rc != CRM_ROW) {
            status = failf(FEED_IOERR, "cannot read the journal after seq %" PRId64 ": %s (%s)",
                           last, crm_errmsg(f->db), crm_errname(rc));
            break;
        }
        int64_t seq = crm_journal_entry_seq(e);
        if (seq <= last) {
            status = failf(FEED_BADDATA, "journal entry %" PRId64 " came after %" PRId64, seq,
                           last);
            break;
        }
        if (feed_line(&f->line, e, f->err, sizeof f->err) != 0) {
            status = failf(FEED_BADDATA, "%s", f->err);
            break;
        }
        if (fwrite(f->line.s, 1, f->line.len, f->out) != f->line.len) {
            status = failf(FEED_IOERR, "cannot write %s: %s",
                           f->out_path ? f->out_path : "standard output", strerror(errno));
            break;
        }
        last = seq;
        n++;
    }
    crm_journal_entry_cursor_free(cur);
    /* After a failure nothing is saved: the next run writes the batch
     * again, over whatever part of it reached the output. */
    if (status == FEED_OK && n > 0)
        status = commit(f, last);
    *more = status == FEED_OK && n == f->batch;
    return status;
}

/* Sleep up to ms, waking at once for SIGINT or SIGTERM, including one
 * that arrived just before the sleep: the signals are blocked from the
 * check to pselect(), which unblocks them atomically. */
static void nap(long ms)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    if (!stop_requested) {
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        pselect(0, NULL, NULL, NULL, &ts, &old);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static int run(feed *f)
{
    crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
    opts.flags = CRM_OPEN_READONLY;
    int rc = crm_open(&f->db, f->db_path, &opts);
    if (rc != CRM_OK)
        return failf(FEED_NODB, "cannot open database %s: %s (%s)", f->db_path,
                     crm_errmsg(NULL), crm_errname(rc));

    int status = take_lock(f);
    if (status != FEED_OK)
        return status;
    int loaded = feed_state_load(&f->st, f->state_path, f->err, sizeof f->err);
    if (loaded == FEED_STATE_BAD)
        return failf(FEED_BADSTATE, "%s", f->err);

    int64_t last_seq;
    if ((rc = crm_journal_last_seq(&last_seq, f->db)) != CRM_OK)
        return failf(FEED_IOERR, "cannot read the journal: %s (%s)", crm_errmsg(f->db),
                     crm_errname(rc));
    if (loaded == FEED_STATE_LOADED && f->st.seq > last_seq)
        return failf(FEED_BADSTATE,
                     "state %s is at seq %" PRId64 " but the journal of %s ends at %" PRId64
                     ": the state is of another database, or the database was restored "
                     "from an older copy",
                     f->state_path, f->st.seq, f->db_path, last_seq);
    /* Only now, with the state judged against the journal, is the output
     * touched (created, or cut back). */
    if ((status = open_output(f, loaded == FEED_STATE_LOADED)) != FEED_OK)
        return status;

    for (;;) {
        int more;
        if ((status = poll_journal(f, &more)) != FEED_OK)
            return status;
        if (stop_requested || (!more && !f->follow))
            return FEED_OK;
        if (!more)
            nap(f->interval_ms);
        if (stop_requested)
            return FEED_OK;
    }
}

int main(int argc, char **argv)
{
    feed f = { .interval_ms = DEFAULT_INTERVAL_MS, .batch = DEFAULT_BATCH, .lock_fd = -1,
               .out_fd = -1 };
    int status = parse_args(&f, argc, argv);
    if (status != FEED_OK)
        return status;

    struct sigaction sa = { .sa_handler = on_stop, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A reader that went away is a write error to report, not a death. */
    signal(SIGPIPE, SIG_IGN);

    status = run(&f);

    if (f.out && f.out != stdout) {
        if (fclose(f.out) != 0 && status == FEED_OK)
            status = failf(FEED_IOERR, "cannot write output %s: %s", f.out_path, strerror(errno));
    } else if (f.out_fd >= 0 && f.out != stdout) {
        close(f.out_fd);
    }
    if (f.lock_fd >= 0)
        close(f.lock_fd);
    crm_close(f.db);
    feed_buf_free(&f.line);
    return status;
}
