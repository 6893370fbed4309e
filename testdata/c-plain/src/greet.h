#ifndef GREET_H
#define GREET_H
void greet(const char *greeting, const char *name);
#endif
