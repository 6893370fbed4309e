#ifndef STATS_H
#define STATS_H
long stats_sum(int n, char **v);
long stats_max(int n, char **v);
#endif
