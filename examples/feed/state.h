/*
 * crm-feed - the saved position: which journal entry was written last, and
 * how long the output was right after it.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * The state file is four lines of text, replaced whole (a temporary file,
 * fsync, rename, fsync of the directory), so it is always either the old
 * position or the new one, never a mix:
 *
 *   crm-feed-state 1
 *   seq 1234
 *   out_bytes 98765
 *   out /var/lib/relay/changes.jsonl
 *
 * "out -" is standard output, whose length is not kept (out_bytes -1).
 */
#ifndef CRM_FEED_STATE_H
#define CRM_FEED_STATE_H

#include <stddef.h>
#include <stdint.h>

/* Longest output path a state records. */
#define FEED_PATH_MAX 4096

typedef struct feed_state {
    int64_t seq;                  /* the last journal entry written; 0 = none yet */
    int64_t out_bytes;            /* the output's length right after it; -1 for stdout */
    char out[FEED_PATH_MAX + 1];  /* the output's absolute path, or "-" */
} feed_state;

/* What feed_state_load() found. */
enum { FEED_STATE_LOADED = 0, FEED_STATE_ABSENT = 1, FEED_STATE_BAD = -1 };

/*
 * Read the state at path into *out. FEED_STATE_ABSENT when there is no such
 * file; FEED_STATE_BAD when it cannot be read or is not a state this
 * program wrote, with the reason in err (errlen bytes). *out is written only
 * when the state is loaded.
 */
int feed_state_load(feed_state *out, const char *path, char *err, size_t errlen);

/*
 * Replace the state at path with *st, durably: when this returns 0 the new
 * state is on stable storage; on failure (-1, the reason in err) the file
 * holds the old state or the new one, whole.
 */
int feed_state_save(const feed_state *st, const char *path, char *err, size_t errlen);

#endif
