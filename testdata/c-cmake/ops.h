#ifndef OPS_H
#define OPS_H
int ops_apply(char op, long a, long b, long *out);
#endif
