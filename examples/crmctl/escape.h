/*
 * crmctl - text shown to a person, with nothing in it a terminal acts on.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Stored values and command-line arguments are anybody's text: an e-mail
 * body holding "\e[2J\e]0;PWNED\a" clears the screen and retitles the
 * terminal when printed as it is, U+009B is an 8-bit CSI, U+202E turns the
 * rest of a line around. Every string crmctl shows a person goes through
 * the functions below, which show such characters as escapes:
 *
 *   \\             a backslash
 *   \n \t \r       line feed, tab, carriage return
 *   \xHH           any other C0 control (U+0000..U+001F), DEL (0x7F), and
 *                  each byte that is not part of valid UTF-8
 *   \uHHHH         C1 controls (U+0080..U+009F), the bidi controls (U+061C,
 *                  U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) and the
 *                  line and paragraph separators U+2028, U+2029
 *
 * with lower-case hex digits. Everything else, including all other UTF-8,
 * is shown as it is. Since a backslash is escaped too, the form reads back
 * to exactly the text it shows: different texts never look the same.
 *
 * It depends on nothing else in crmctl (the fuzz target links it alone).
 */
#ifndef CTL_ESCAPE_H
#define CTL_ESCAPE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Keep line feeds and tabs as they are: multi-line free text, such as an
 * interaction's body, shown as lines. Everything else is still escaped. */
#define CTL_ESC_LINES 0x1u

/* Keep backslashes as they are: for libcrm's messages (crm_errmsg()),
 * which already show the control bytes and backslashes of the values they
 * quote as \xHH. Escaping their backslashes again would show "\\x1b" for
 * the library's "\x1b"; the message is still cleaned of everything else. */
#define CTL_ESC_MESSAGE 0x2u

/* The most bytes one character of input is shown as: "\u202e". */
#define CTL_ESC_PIECE_MAX 6

/*
 * Decode the UTF-8 sequence at s, of which len (>= 1) bytes may be read:
 * its length (1 to 4) with its code point in *cp, or 0 when the bytes at s
 * do not start a valid sequence (a stray continuation byte, a sequence cut
 * short, an overlong form, a surrogate, or beyond U+10FFFF).
 */
size_t ctl_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* 1 if cp is a character that is shown escaped (see above: C0 controls,
 * DEL, C1 controls, bidi controls, U+2028, U+2029), else 0. */
int ctl_char_is_escaped(uint32_t cp);

/*
 * How the character at s (len >= 1 bytes left) is shown: written to piece
 * (not NUL-terminated), its length returned; *used is set to the number of
 * input bytes it stands for. flags: 0, or CTL_ESC_LINES and/or
 * CTL_ESC_MESSAGE.
 */
size_t ctl_escape_piece(char piece[CTL_ESC_PIECE_MAX], const char *s, size_t len, size_t *used,
                        unsigned int flags);

/* Write the len bytes at s to f as shown. */
void ctl_escape_write(FILE *f, const char *s, size_t len, unsigned int flags);

/* The characters the len bytes at s take on screen once escaped, counting
 * each UTF-8 sequence as one (wide CJK characters too: close enough for
 * aligning columns of names). */
size_t ctl_escape_width(const char *s, size_t len, unsigned int flags);

/*
 * printf() and fprintf() for people: the format is written as it is, and
 * each string (%s, NULL shown as "(null)") and character (%c) argument is
 * shown escaped, with no flags. A width pads by characters on screen, a
 * precision cuts the argument's bytes before it is escaped. Numbers and
 * pointers are formatted by the C library. %n and wide strings (%ls, %lc)
 * are not supported: from there on the format is shown as written, escaped.
 */
void ctl_printf(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
void ctl_fprintf(FILE *f, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void ctl_vfprintf(FILE *f, const char *fmt, va_list ap);

#endif
