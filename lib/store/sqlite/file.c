/*
 * libcrm - looking at a database file without SQLite, before SQLite opens
 * it.
 *
 * Opening a file with SQLite is not a read-only act: a reader recovers a
 * hot rollback journal into the main file, rebuilds the write-ahead log's
 * index in the -shm file, and the last connection to close checkpoints
 * the log into the main file and deletes the -wal and -shm. A file of
 * another application opened that way was changed even though libcrm then
 * refused it (a foreign file with a hot journal shrank from 1,024,000 to
 * 8,192 bytes). So crm_open() first reads the newest header of the file
 * itself, from the main file and, where the file is in WAL mode, from the
 * committed frames of its log, with plain read-only reads: no lock, no
 * write, no recovery. SQLite opens only a file that carries libcrm's
 * application id, or one with nothing in it yet.
 *
 * The formats are SQLite's, documented in https://sqlite.org/fileformat.html:
 * the 100-byte database header, the b-tree page header that follows it on
 * page 1 (the schema table's root), and the WAL header and frames with
 * their cumulative checksums.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal/alloc.h"
#include "store/sqlite/sqlite.h"

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Read exactly n bytes at off; false on a short file or an error. */
static bool read_at(int fd, void *buf, size_t n, off_t off)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t r = pread(fd, p, n, off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
        off += r;
    }
    return true;
}

/* The bytes of page 1 libcrm reads: the database header and the b-tree
 * page header of the schema table's root. */
#define PAGE1_LOOK 108

/* What page 1 says: the header fields libcrm judges by and the number of
 * objects in the schema table, when its root is a leaf. */
static void read_page1(crm__file_look *look, const unsigned char *page)
{
    look->user_version = (int32_t)be32(page + 60);
    look->application_id = be32(page + 68);
    if (page[100] == 0x0d) /* a leaf table page: the cell count is the row count */
        look->schema_objects = page[103] << 8 | page[104];
    else
        look->schema_objects = -1; /* an interior page: more rows than a page holds */
}

/* The WAL's checksum: pairs of 32-bit words in the byte order its magic
 * names, summed into (s[0], s[1]) from their previous values. */
static void wal_checksum(uint32_t s[2], const unsigned char *p, size_t n, bool big)
{
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint32_t a, b;
        if (big) {
            a = be32(p + i);
            b = be32(p + i + 4);
        } else {
            a = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
                (uint32_t)p[i + 3] << 24;
            b = (uint32_t)p[i + 4] | (uint32_t)p[i + 5] << 8 | (uint32_t)p[i + 6] << 16 |
                (uint32_t)p[i + 7] << 24;
        }
        s[0] += a + s[1];
        s[1] += b + s[0];
    }
}

/* The newest committed copy of page 1 in the log at wal_path, if any, into
 * look. A frame counts when its salts are the header's and the running
 * checksum holds up to it; the log ends at the last such commit frame, as
 * SQLite's own recovery reads it. A torn or stale tail (a writer busy at
 * this moment, frames of an earlier generation of the log) ends the walk
 * early, which only makes the answer older, never invented. */
static int read_wal(crm__file_look *look, const char *wal_path)
{
    int fd = open(wal_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return errno == ENOENT ? 0 : errno;
    int err = 0;
    unsigned char hdr[32], fh[24], page1[PAGE1_LOOK];
    unsigned char *page = NULL;
    if (!read_at(fd, hdr, sizeof hdr, 0))
        goto done; /* empty or shorter than a header: no frames */
    uint32_t magic = be32(hdr);
    uint32_t psize = be32(hdr + 8);
    if ((magic & 0xfffffffe) != 0x377f0682 || psize < 512 || psize > 65536 ||
        (psize & (psize - 1)) != 0)
        goto done;
    bool big = magic & 1;
    uint32_t sum[2] = { 0, 0 };
    wal_checksum(sum, hdr, 24, big);
    if (sum[0] != be32(hdr + 24) || sum[1] != be32(hdr + 28))
        goto done;
    page = crm__malloc(psize);
    if (!page) {
        err = ENOMEM;
        goto done;
    }
    bool pending = false;
    for (off_t off = 32;; off += 24 + (off_t)psize) {
        if (!read_at(fd, fh, sizeof fh, off) || !read_at(fd, page, psize, off + 24))
            break;
        if (memcmp(fh + 8, hdr + 16, 8) != 0)
            break;
        wal_checksum(sum, fh, 8, big);
        wal_checksum(sum, page, psize, big);
        if (sum[0] != be32(fh + 16) || sum[1] != be32(fh + 20))
            break;
        if (be32(fh) == 1) {
            memcpy(page1, page, sizeof page1);
            pending = true;
        }
        if (be32(fh + 4) != 0 && pending) { /* a commit frame ends a transaction */
            read_page1(look, page1);
            look->from_wal = true;
            pending = false;
        }
    }
done:
    crm__free(page);
    close(fd);
    return err;
}

int crm__file_look_at(crm__file_look *look, const char *path, uint32_t own_id)
{
    memset(look, 0, sizeof *look);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return errno == ENOENT ? 0 : errno;
    look->exists = true;
    look->mode = sb.st_mode;
    if (!S_ISREG(sb.st_mode))
        return 0;
    look->size = sb.st_size;
    /* O_NONBLOCK: a FIFO swapped in after the stat must not hang the call. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return errno;
    unsigned char page[PAGE1_LOOK];
    bool whole = read_at(fd, page, sizeof page, 0);
    close(fd);
    if (look->size == 0)
        look->sqlite = true; /* what SQLite makes of an empty file: a new database */
    else if (whole && memcmp(page, "SQLite format 3", 16) == 0)
        look->sqlite = true;
    if (!look->sqlite)
        return 0;
    bool wal_mode = look->size == 0;
    if (whole) {
        read_page1(look, page);
        wal_mode = page[18] == 2 && page[19] == 2;
    }

    char *aux = crm__malloc(strlen(path) + sizeof "-journal");
    if (!aux)
        return ENOMEM;
    int err = 0;
    /* A file that names libcrm in its main file is libcrm's: libcrm never
     * changes the id of a file once written, and reading a log of
     * thousands of pages at every open cost 6 ms. */
    if (wal_mode && !(whole && look->application_id == own_id)) {
        sprintf(aux, "%s-wal", path);
        err = read_wal(look, aux);
    }
    /* A rollback journal with content may hold pages that a reader would
     * copy back into the main file; its header is zeroed (PERSIST) or the
     * file truncated (TRUNCATE) or deleted (DELETE) once it is not hot. */
    sprintf(aux, "%s-journal", path);
    int jfd = err ? -1 : open(aux, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (jfd >= 0) {
        unsigned char jh[8];
        static const unsigned char zero[8];
        look->hot_journal = read_at(jfd, jh, sizeof jh, 0) && memcmp(jh, zero, 8) != 0;
        close(jfd);
    }
    crm__free(aux);
    return err;
}
