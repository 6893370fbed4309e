/* simd.h - lane helpers for the SIMD handlers. */
