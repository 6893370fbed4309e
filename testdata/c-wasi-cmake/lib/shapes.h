#ifndef SHAPES_H
#define SHAPES_H
long shapes_area(const char *shape, long a, long b);
#endif
