/*
 * libcrm - reading a search query. What a person types is words, never the
 * index's query language: this makes a list of terms, and the storage layer
 * quotes each one (crm__bind_text_query), so no input can be syntax there.
 *
 * A word is a run of ASCII letters and digits and of any character beyond
 * ASCII; all other ASCII (spaces, punctuation, controls) separates words.
 * Characters beyond ASCII are kept in the word because the index, not
 * this file, knows which of them are letters: those that are not split the
 * word there into a phrase of its parts, as the same text was split when
 * it was indexed. A * right after a word makes it a prefix; anywhere else
 * it separates. A double quote opens a phrase and the next one closes it;
 * one left open runs to the end, so a query typed a letter at a time is
 * never refused half-way through a phrase.
 */
#include <string.h>

#include "internal/search.h"
#include "internal/util.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static bool word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           c >= 0x80;
}

/* The characters of a word: its bytes but those that continue a character. */
static size_t chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

int crm__search_parse(crm__search_query *q, const char *text, const char **why)
{
    size_t len = strnlen(text, CRM_SEARCH_QUERY_MAX + 1);
    q->n = 0;
    if (len > CRM_SEARCH_QUERY_MAX) {
        *why = "is longer than " STR(CRM_SEARCH_QUERY_MAX) " bytes";
        return CRM_EINVAL;
    }
    if (!crm__utf8_valid(text, len)) {
        *why = "is not valid UTF-8";
        return CRM_EINVAL;
    }
    bool quoted = false, joined = false;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"') {
            quoted = !quoted;
            joined = false;
            i++;
            continue;
        }
        if (!word_byte(c)) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && word_byte((unsigned char)text[i]))
            i++;
        if (q->n == CRM_SEARCH_TERMS_MAX) {
            *why = "has more than " STR(CRM_SEARCH_TERMS_MAX) " words; search with fewer";
            return CRM_EINVAL;
        }
        crm__text_term *t = &q->terms[q->n++];
        t->word = text + start;
        t->len = i - start;
        t->phrase = joined;
        t->prefix = i < len && text[i] == '*';
        if (t->prefix) {
            i++;
            if (chars(t->word, t->len) < 2) {
                *why = "has a prefix of one character (such as \"a*\"), which would match "
                       "most words; type at least two before the *";
                return CRM_EINVAL;
            }
        }
        joined = quoted;
    }
    if (q->n == 0) {
        *why = "has no word to search for (words are letters and digits)";
        return CRM_EINVAL;
    }
    return CRM_OK;
}
