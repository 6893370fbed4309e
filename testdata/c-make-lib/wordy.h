#ifndef WORDY_H
#define WORDY_H
#include <stddef.h>

/* Joins the words with WORDY_SEPARATOR (set by the Makefile's CFLAGS),
 * uppercasing their first letters, into out (size n). */
size_t wordy_join(char *out, size_t n, char **words, int count);

#endif
