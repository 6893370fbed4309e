#ifndef TALLY_H
#define TALLY_H

/* Counts the words of s (separated by blanks). */
int tally_words(const char *s);

#endif
