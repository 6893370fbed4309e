/*
 * simd.h - helpers of the SIMD (v128) handlers in exec_simd.inc: a union
 * view of the 16 bytes and per-lane saturating/rounding helpers.  Lanes are
 * processed in plain loops that the C compiler vectorizes; a value is
 * copied in and out of its two frame slots with memcpy (alias safe: the
 * destination may be an operand).
 */
#ifndef RUNNER_SIMD_H
#define RUNNER_SIMD_H

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef union {
	uint8_t u8[16];
	int8_t i8[16];
	uint16_t u16[8];
	int16_t i16[8];
	uint32_t u32[4];
	int32_t i32[4];
	uint64_t u64[2];
	int64_t i64[2];
	float f32[4];
	double f64[2];
} v128_t;

static inline int8_t sat_s8(int32_t x) { return (int8_t)(x < -128 ? -128 : x > 127 ? 127 : x); }
static inline uint8_t sat_u8(int32_t x) { return (uint8_t)(x < 0 ? 0 : x > 255 ? 255 : x); }
static inline int16_t sat_s16(int32_t x) { return (int16_t)(x < -32768 ? -32768 : x > 32767 ? 32767 : x); }
static inline uint16_t sat_u16(int32_t x) { return (uint16_t)(x < 0 ? 0 : x > 65535 ? 65535 : x); }

static inline float f32_pmin(float a, float b) { return b < a ? b : a; }
static inline float f32_pmax(float a, float b) { return a < b ? b : a; }
static inline double f64_pmin(double a, double b) { return b < a ? b : a; }
static inline double f64_pmax(double a, double b) { return a < b ? b : a; }

static inline int32_t sat_f32_i32(float a) { return sat_i32(a); }
static inline uint32_t sat_f32_u32(float a) { return sat_u32(a); }

#endif
