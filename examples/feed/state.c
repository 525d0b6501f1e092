/*
 * crm-feed - reading and replacing the saved position (state.h).
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STATE_MAGIC "crm-feed-state 1\n"
/* A state is a few dozen bytes and a path: anything longer is not one. */
#define STATE_MAX (FEED_PATH_MAX + 128)

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* A decimal number of 1 to 19 digits, optionally after a '-', ending at
 * end; no sign, space or leading zero strtoll would let pass. */
static int parse_int(int64_t *out, const char *s, const char *end)
{
    const char *p = s;
    if (p < end && *p == '-')
        p++;
    if (p == end || end - p > 18 || (*p == '0' && end - p > 1))
        return -1;
    for (const char *q = p; q < end; q++)
        if (*q < '0' || *q > '9')
            return -1;
    char buf[24];
    memcpy(buf, s, (size_t)(end - s));
    buf[end - s] = '\0';
    *out = strtoll(buf, NULL, 10);
    return 0;
}

/* The line starting at *pos with the given key and a space; *val and
 * *val_end delimit the value, *pos moves past the newline. */
static int field(const char **pos, const char *end, const char *key, const char **val,
                 const char **val_end)
{
    size_t klen = strlen(key);
    const char *p = *pos;
    if ((size_t)(end - p) <= klen || memcmp(p, key, klen) != 0 || p[klen] != ' ')
        return -1;
    p += klen + 1;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl)
        return -1;
    *val = p;
    *val_end = nl;
    *pos = nl + 1;
    return 0;
}

int feed_state_load(feed_state *out, const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return FEED_STATE_ABSENT;
        fail(err, errlen, "cannot open state %s: %s", path, strerror(errno));
        return FEED_STATE_BAD;
    }
    char *buf = malloc(STATE_MAX + 1);
    if (!buf) {
        close(fd);
        fail(err, errlen, "out of memory reading state %s", path);
        return FEED_STATE_BAD;
    }
    size_t len = 0;
    ssize_t n = 0;
    while (len <= STATE_MAX && (n = read(fd, buf + len, STATE_MAX + 1 - len)) > 0)
        len += (size_t)n;
    int read_errno = errno;
    close(fd);
    int rc = FEED_STATE_BAD;
    if (n < 0) {
        fail(err, errlen, "cannot read state %s: %s", path, strerror(read_errno));
        goto out;
    }
    if (len > STATE_MAX) {
        fail(err, errlen, "state %s is not a crm-feed state (longer than %d bytes)", path,
             STATE_MAX);
        goto out;
    }
    const char *p = buf, *end = buf + len;
    const char *v, *ve;
    feed_state st;
    if (len < sizeof STATE_MAGIC - 1 || memcmp(p, STATE_MAGIC, sizeof STATE_MAGIC - 1) != 0) {
        fail(err, errlen, "state %s is not a crm-feed state (it does not begin with \"%.*s\")",
             path, (int)sizeof STATE_MAGIC - 2, STATE_MAGIC);
        goto out;
    }
    p += sizeof STATE_MAGIC - 1;
    if (field(&p, end, "seq", &v, &ve) != 0 || parse_int(&st.seq, v, ve) != 0 || st.seq < 0) {
        fail(err, errlen, "state %s is damaged: line 2 is not \"seq N\"", path);
        goto out;
    }
    if (field(&p, end, "out_bytes", &v, &ve) != 0 || parse_int(&st.out_bytes, v, ve) != 0 ||
        st.out_bytes < -1) {
        fail(err, errlen, "state %s is damaged: line 3 is not \"out_bytes N\"", path);
        goto out;
    }
    if (field(&p, end, "out", &v, &ve) != 0 || ve == v || (size_t)(ve - v) > FEED_PATH_MAX ||
        memchr(v, '\0', (size_t)(ve - v)) || (*v != '/' && !(ve - v == 1 && *v == '-'))) {
        fail(err, errlen, "state %s is damaged: line 4 is not \"out PATH\"", path);
        goto out;
    }
    memcpy(st.out, v, (size_t)(ve - v));
    st.out[ve - v] = '\0';
    if (p != end) {
        fail(err, errlen, "state %s is damaged: it goes on after line 4", path);
        goto out;
    }
    if ((strcmp(st.out, "-") == 0) != (st.out_bytes == -1)) {
        fail(err, errlen, "state %s is damaged: out_bytes %" PRId64 " does not fit out %s", path,
             st.out_bytes, st.out);
        goto out;
    }
    *out = st;
    rc = FEED_STATE_LOADED;
out:
    free(buf);
    return rc;
}

/* fsync the directory holding path, so that a rename into it survives a
 * power loss (rename(2) alone is atomic but not durable). */
static int sync_dir(const char *path, char *err, size_t errlen)
{
    const char *slash = strrchr(path, '/');
    char dir[FEED_PATH_MAX + 1];
    if (!slash) {
        strcpy(dir, ".");
    } else {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        if (n > FEED_PATH_MAX)
            return fail(err, errlen, "state path %s is too long", path);
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, errlen, "cannot open directory %s: %s", dir, strerror(errno));
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0 && e != EINVAL) /* some file systems cannot sync a directory */
        return fail(err, errlen, "cannot sync directory %s: %s", dir, strerror(e));
    return 0;
}

int feed_state_save(const feed_state *st, const char *path, char *err, size_t errlen)
{
    char text[STATE_MAX + 1];
    int len = snprintf(text, sizeof text, STATE_MAGIC "seq %" PRId64 "\nout_bytes %" PRId64
                       "\nout %s\n", st->seq, st->out_bytes, st->out);
    if (len < 0 || (size_t)len >= sizeof text)
        return fail(err, errlen, "state for output %s is too long", st->out);
    char tmp[FEED_PATH_MAX + 8];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return fail(err, errlen, "state path %s is too long", path);

    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(err, errlen, "cannot write state %s: %s", tmp, strerror(errno));
    const char *p = text;
    size_t left = (size_t)len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            close(fd);
            unlink(tmp);
            return fail(err, errlen, "cannot write state %s: %s", tmp, strerror(e));
        }
        p += n;
        left -= (size_t)n;
    }
    if (fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return fail(err, errlen, "cannot sync state %s: %s", tmp, strerror(e));
    }
    if (close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return fail(err, errlen, "cannot write state %s: %s", tmp, strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return fail(err, errlen, "cannot replace state %s: %s", path, strerror(e));
    }
    return sync_dir(path, err, errlen);
}
