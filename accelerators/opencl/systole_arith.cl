#pragma OPENCL FP_CONTRACT OFF
// The arithmetic steps of io.systole.arith in OpenCL C, one function per Java method and in the
// same order of operations, so that every kernel computes the bits the Java definition does.
// Integers: long is 64-bit two's complement; shifts that Java performs on negative values are
// written on ulong (left) or rely on the arithmetic right shift of signed values, as Java's >>.

// Codes of the Java enums, their ordinal() values.
#define ROUND_TRN 0          // Rounding.TRN
#define ROUND_TRN_ZERO 1     // Rounding.TRN_ZERO
#define ROUND_RND 2          // Rounding.RND
#define ROUND_RND_ZERO 3     // Rounding.RND_ZERO
#define ROUND_RND_INF 4      // Rounding.RND_INF
#define ROUND_RND_MIN_INF 5  // Rounding.RND_MIN_INF
#define ROUND_RND_CONV 6     // Rounding.RND_CONV
#define OVF_WRAP 0           // Overflow.WRAP
#define OVF_SAT 1            // Overflow.SAT
#define OVF_SAT_ZERO 2       // Overflow.SAT_ZERO
#define OVF_SAT_SYM 3        // Overflow.SAT_SYM
#define REQUANT_MULTIPLIER_SHIFT 0  // Int8Format.RequantMode.MULTIPLIER_SHIFT
#define REQUANT_FLOAT_SCALE 1       // Int8Format.RequantMode.FLOAT_SCALE

// ---- Int8 -------------------------------------------------------------------------------------

// Int8.accumulate: the exact acc + addend, then WRAP to `bits` bits or SATURATE (saturate != 0).
static inline int int8_accumulate(int acc, int addend, int bits, int saturate) {
  long sum = (long) acc + addend;
  long max = (1L << (bits - 1)) - 1;
  if (sum >= -max - 1 && sum <= max) {
    return (int) sum;
  }
  if (!saturate) {
    int unused = 64 - bits;
    return (int) ((long) ((ulong) sum << unused) >> unused);
  }
  return sum > max ? (int) max : (int) (-max - 1);
}

// ---- Requant ----------------------------------------------------------------------------------

// Requant.saturatingRoundingDoublingHighMul.
static inline int srdhm(int a, int b) {
  if (a == INT_MIN && b == INT_MIN) {
    return INT_MAX;
  }
  long ab = (long) a * b;
  long nudge = ab >= 0 ? (1L << 30) : 1L - (1L << 30);
  return (int) ((ab + nudge) / (1L << 31));  // truncates toward zero, as Java's long division
}

// Requant.roundingDivideByPOT, exponent 0..31.
static inline int rounding_divide_by_pot(int x, int exponent) {
  int mask = (int) ((1L << exponent) - 1);
  int remainder = x & mask;
  int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// Requant.multiplyByQuantizedMultiplier; the left shift keeps the low 32 bits.
static inline int multiply_by_quantized_multiplier(int x, int multiplier, int shift) {
  int left = shift > 0 ? shift : 0;
  int right = shift > 0 ? 0 : -shift;
  return rounding_divide_by_pot(srdhm((int) ((uint) x << left), multiplier), right);
}

// Requant.requantize: clamp(multiplyByQuantizedMultiplier(acc) + zp_out, qmin, qmax).
static inline int requantize(int acc, int multiplier, int shift, int zp_out, int qmin, int qmax) {
  long v = (long) multiply_by_quantized_multiplier(acc, multiplier, shift) + zp_out;
  return (int) clamp(v, (long) qmin, (long) qmax);
}

// Requant.roundToInt8: clamp in float, round half to even, add the zero point.
static inline int round_to_int8(float v, int zp, int qmin, int qmax) {
  float lo = (float) (qmin - zp);
  float hi = (float) (qmax - zp);
  float c = v < lo ? lo : (v > hi ? hi : v);
  return (int) rint(c) + zp;
}

// Requant.requantizeFloat: (float) acc * scale, each rounding to nearest even.
static inline int requantize_float(int acc, float scale, int zp_out, int qmin, int qmax) {
  return round_to_int8((float) acc * scale, zp_out, qmin, qmax);
}

// ---- Rounding ---------------------------------------------------------------------------------

// Rounding.adjust: floor or floor + 1 from the first dropped bit (qb), the rest and the sign.
static inline long rounding_adjust(int mode, long floor, bool qb, bool rest, bool negative) {
  bool up;
  switch (mode) {
    case ROUND_TRN: up = false; break;
    case ROUND_TRN_ZERO: up = negative && (qb || rest); break;
    case ROUND_RND: up = qb; break;
    case ROUND_RND_ZERO: up = qb && (negative || rest); break;
    case ROUND_RND_INF: up = qb && (!negative || rest); break;
    case ROUND_RND_MIN_INF: up = qb && rest; break;
    default: up = qb && ((floor & 1) != 0 || rest); break;  // ROUND_RND_CONV
  }
  return up ? floor + 1 : floor;
}

// Rounding.shifted: (v + t) * 2^-shift for 0 <= t < 1, t non-zero exactly when sticky; shift >= 1.
static inline long rounding_shifted(int mode, long v, int shift, bool sticky, bool negative) {
  long floor;
  bool qb;
  bool rest;
  if (shift < 64) {
    floor = v >> shift;
    qb = (((ulong) v >> (shift - 1)) & 1UL) != 0;
    rest = (v & (long) ((1UL << (shift - 1)) - 1)) != 0;
  } else {
    floor = v >> 63;
    qb = v < 0;
    rest = shift == 64 ? (v & LONG_MAX) != 0 : v != 0;
  }
  return rounding_adjust(mode, floor, qb, rest || sticky, negative);
}

// Rounding.shiftRight: v * 2^-shift rounded by the mode, shift >= 0.
static inline long rounding_shift_right(int mode, long v, int shift) {
  return shift == 0 ? v : rounding_shifted(mode, v, shift, false, v < 0);
}

// Math.floorDiv for a positive divisor.
static inline long floor_div(long num, long den) {
  long q = num / den;
  return (num % den != 0 && num < 0) ? q - 1 : q;
}

// Rounding.divide: num / (den * 2^shift) with one rounding; den >= 1, shift >= 0.
static inline long rounding_divide(int mode, long num, long den, int shift) {
  long q = floor_div(num, den);
  long r = num - q * den;
  if (shift == 0) {
    long to_next = den - r;
    bool qb = r >= to_next;
    return rounding_adjust(mode, q, qb, qb ? r > to_next : r != 0, num < 0);
  }
  return rounding_shifted(mode, q, shift, r != 0, num < 0);
}

// ---- FixedFormat ------------------------------------------------------------------------------

// A FixedFormat: width W (2..64), fraction bits F = W - I, rounding and overflow codes.
typedef struct {
  int width;
  int frac;
  int rounding;
  int overflow;
} fx_fmt;

// Reads a format written by the host as four ints: width, fraction bits, rounding, overflow.
static inline fx_fmt fx_fmt_at(__global const int *p) {
  fx_fmt f;
  f.width = p[0];
  f.frac = p[1];
  f.rounding = p[2];
  f.overflow = p[3];
  return f;
}

// FixedFormat.maxRaw: 2^(W-1) - 1.
static inline long fx_max_raw(fx_fmt f) {
  return (long) (0xFFFFFFFFFFFFFFFFUL >> (65 - f.width));
}

// FixedFormat.overflowed: the result of a value known to be out of range.
static inline long fx_overflowed(fx_fmt f, bool positive, long low_bits) {
  long max = fx_max_raw(f);
  int unused = 64 - f.width;
  switch (f.overflow) {
    case OVF_WRAP: return (long) ((ulong) low_bits << unused) >> unused;
    case OVF_SAT: return positive ? max : ~max;
    case OVF_SAT_ZERO: return 0;
    default: return positive ? max : -max;  // OVF_SAT_SYM
  }
}

// FixedFormat.fit: the overflow mode applied to an exact raw value.
static inline long fx_fit(fx_fmt f, long raw) {
  long max = fx_max_raw(f);
  if (raw > max) {
    return fx_overflowed(f, true, raw);
  }
  if (raw < ~max) {
    return fx_overflowed(f, false, raw);
  }
  if (raw == ~max && f.overflow == OVF_SAT_SYM) {
    return -max;
  }
  return raw;
}

// FixedFormat.rescale: raw * 2^-from_frac into the format (rounding, then overflow).
static inline long fx_rescale(fx_fmt f, long raw, int from_frac) {
  int drop = from_frac - f.frac;
  if (drop >= 0) {
    return fx_fit(f, rounding_shift_right(f.rounding, raw, drop));
  }
  int up = -drop;
  if (raw == 0) {
    return 0;
  }
  if (up >= 64) {
    return fx_overflowed(f, raw > 0, 0);
  }
  if (raw > (LONG_MAX >> up) || raw < (LONG_MIN >> up)) {
    return fx_overflowed(f, raw > 0, (long) ((ulong) raw << up));
  }
  return fx_fit(f, (long) ((ulong) raw << up));
}

// ---- FixedMac ---------------------------------------------------------------------------------

// FixedMac.add: a + b with the format's overflow mode applied to the exact sum.
static inline long fx_add(fx_fmt f, long a, long b) {
  long sum = (long) ((ulong) a + (ulong) b);
  if (((a ^ sum) & (b ^ sum)) < 0) {
    return fx_overflowed(f, a > 0, sum);
  }
  return fx_fit(f, sum);
}

// FixedMac.accumulate: add(acc, rescale(product, product_frac)) in the accumulator format.
static inline long fx_accumulate(fx_fmt acc_f, long acc, long product, int product_frac) {
  return fx_add(acc_f, acc, fx_rescale(acc_f, product, product_frac));
}

// FixedMac.finish: bias added in the accumulator format, converted to the output, ReLU.
static inline long fx_finish(long acc, long bias, fx_fmt acc_f, fx_fmt out_f, bool relu) {
  long sum = fx_add(acc_f, acc, bias);
  long out = fx_rescale(out_f, sum, acc_f.frac);
  return relu ? max(0L, out) : out;
}

// ---- Pooling ----------------------------------------------------------------------------------

// Pooling.divideInt8: to nearest, ties away from zero.
static inline int pool_divide_int8(int sum, int count) {
  int half_count = count / 2;
  return sum > 0 ? (sum + half_count) / count : (sum - half_count) / count;
}

// Pooling.divideFixed: sum (in sum_f) / count into out_f; the host checks sum_f.frac >= out_f.frac.
static inline long pool_divide_fixed(long sum, int count, fx_fmt sum_f, fx_fmt out_f) {
  return fx_fit(out_f, rounding_divide(out_f.rounding, sum, count, sum_f.frac - out_f.frac));
}
