/*
 * Fuzz targets: each file defines LLVMFuzzerTestOneInput for one parser and
 * checks properties of what it returns, so that a wrong answer fails as
 * loudly as a crash. The same file builds two ways: with libFuzzer
 * (`make fuzz`), and with replay.c as a plain program that runs a corpus
 * (in `make test`, under the sanitizers and under valgrind).
 */
#ifndef CRM_FUZZ_H
#define CRM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that does not hold: say which, then abort so that libFuzzer
 * keeps the input and the replay fails. */
#define FUZZ_ASSERT(cond, ...)                                               \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: property failed: %s\n  ", __FILE__,      \
                    __LINE__, #cond);                                        \
            fprintf(stderr, __VA_ARGS__);                                    \
            fputc('\n', stderr);                                             \
            abort();                                                         \
        }                                                                    \
    } while (0)

/* The input as a C string (up to its first NUL), malloc'ed; NULL if out of
 * memory. Parsers take C strings, so a NUL ends the text as it would for a
 * caller. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t n = nul ? (size_t)(nul - data) : size;
    char *s = malloc(n + 1);
    if (s) {
        if (n)
            memcpy(s, data, n);
        s[n] = '\0';
    }
    return s;
}

#endif
