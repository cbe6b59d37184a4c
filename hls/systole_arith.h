// systole HLS library: the arithmetic of io.systole.arith in plain C++17 integer code.
//
// Every function mirrors one Java method line for line, on the same raw values: a fixed-point
// value is its raw two's-complement integer (int64_t), meaning raw * 2^-F; an int8 value is an
// int8 value; an accumulator is an integer of its width. Nothing here depends on a vendor
// header, so the exported project compiles with any C++17 compiler; results equal the Java
// simulator's bit for bit.
//
// Where Java's long arithmetic wraps, this code wraps explicitly through uint64_t (signed
// overflow is undefined in C++). Right shifts of negative values must be arithmetic, which
// every supported compiler does and the static_assert below checks.
#ifndef SYSTOLE_ARITH_H
#define SYSTOLE_ARITH_H

#include <cmath>
#include <cstdint>

namespace systole {

static_assert((-1 >> 1) == -1 && (INT64_C(-5) >> 1) == -3, "arithmetic right shift of negative values required");

// ---- fixed point: io.systole.arith.Rounding, Overflow, FixedFormat ----

// Quantization modes of ap_fixed, in the order of io.systole.arith.Rounding.
enum Rounding { TRN = 0, TRN_ZERO = 1, RND = 2, RND_ZERO = 3, RND_INF = 4, RND_MIN_INF = 5, RND_CONV = 6 };
// Overflow modes of ap_fixed, in the order of io.systole.arith.Overflow.
enum Overflow { WRAP = 0, SAT = 1, SAT_ZERO = 2, SAT_SYM = 3 };

// fixed<W,I,Q,O>: W bits, I of them above the binary point, F = W - I below.
struct FixedFormat {
    int width;
    int int_bits;
    Rounding rounding;
    Overflow overflow;

    constexpr int frac_bits() const { return width - int_bits; }
    // 2^(W-1) - 1
    constexpr int64_t max_raw() const { return (int64_t)(~UINT64_C(0) >> (65 - width)); }
    // -2^(W-1)
    constexpr int64_t min_raw() const { return ~max_raw(); }
};

// The low `width` bits of v as a two's-complement number of that width.
inline int64_t sign_extend(uint64_t v, int width) {
    if (width >= 64) {
        return (int64_t)v;
    }
    uint64_t sign = UINT64_C(1) << (width - 1);
    uint64_t low = v & ((sign << 1) - 1);
    return (int64_t)(low ^ sign) - (int64_t)sign;
}

// Rounding.adjust: floor or floor + 1 by the mode's table.
inline int64_t round_adjust(Rounding q, int64_t floor, bool qb, bool rest, bool negative) {
    bool up = false;
    switch (q) {
        case TRN: up = false; break;
        case TRN_ZERO: up = negative && (qb || rest); break;
        case RND: up = qb; break;
        case RND_ZERO: up = qb && (negative || rest); break;
        case RND_INF: up = qb && (!negative || rest); break;
        case RND_MIN_INF: up = qb && rest; break;
        case RND_CONV: up = qb && ((floor & 1) != 0 || rest); break;
    }
    return up ? floor + 1 : floor;
}

// Rounding.shifted: rounds (v + t) * 2^-shift for some 0 <= t < 1, non-zero exactly when sticky; shift >= 1.
inline int64_t round_shifted(Rounding q, int64_t v, int shift, bool sticky, bool negative) {
    int64_t floor;
    bool qb;
    bool rest;
    if (shift < 64) {
        floor = v >> shift;
        qb = (((uint64_t)v >> (shift - 1)) & 1) != 0;
        rest = ((uint64_t)v & ((UINT64_C(1) << (shift - 1)) - 1)) != 0;
    } else {
        floor = v >> 63;
        qb = v < 0;
        rest = shift == 64 ? ((uint64_t)v & (uint64_t)INT64_MAX) != 0 : v != 0;
    }
    return round_adjust(q, floor, qb, rest || sticky, negative);
}

// Rounding.shiftRight: v * 2^-shift rounded by the mode; shift >= 0.
inline int64_t round_shift_right(Rounding q, int64_t v, int shift) {
    return shift == 0 ? v : round_shifted(q, v, shift, false, v < 0);
}

// Rounding.divide: num / (den * 2^shift) with one rounding; den >= 1, shift >= 0.
inline int64_t round_divide(Rounding q, int64_t num, int64_t den, int shift) {
    int64_t t = num / den; // toward zero
    int64_t floor_q = (num % den != 0 && num < 0) ? t - 1 : t;
    int64_t r = num - floor_q * den; // remainder in [0, den)
    if (shift == 0) {
        int64_t to_next = den - r;
        bool qb = r >= to_next;
        return round_adjust(q, floor_q, qb, qb ? r > to_next : r != 0, num < 0);
    }
    return round_shifted(q, floor_q, shift, r != 0, num < 0);
}

// FixedFormat.overflowed: the result of a value known to be out of range; low_bits is the exact
// value modulo 2^64.
inline int64_t fixed_overflowed(const FixedFormat& f, bool positive, int64_t low_bits) {
    switch (f.overflow) {
        case WRAP: return sign_extend((uint64_t)low_bits, f.width);
        case SAT: return positive ? f.max_raw() : f.min_raw();
        case SAT_ZERO: return 0;
        case SAT_SYM: return positive ? f.max_raw() : -f.max_raw();
    }
    return 0;
}

// FixedFormat.fit: the overflow mode applied to an exact integer raw value.
inline int64_t fixed_fit(const FixedFormat& f, int64_t raw) {
    int64_t max = f.max_raw();
    if (raw > max) {
        return fixed_overflowed(f, true, raw);
    }
    if (raw < ~max) {
        return fixed_overflowed(f, false, raw);
    }
    if (raw == ~max && f.overflow == SAT_SYM) {
        return -max;
    }
    return raw;
}

// FixedFormat.rescale: raw * 2^-from_frac_bits converted into f (rounding, then overflow).
inline int64_t fixed_rescale(const FixedFormat& f, int64_t raw, int from_frac_bits) {
    int drop = from_frac_bits - f.frac_bits();
    if (drop >= 0) {
        return fixed_fit(f, round_shift_right(f.rounding, raw, drop));
    }
    int up = -drop;
    if (raw == 0) {
        return 0;
    }
    if (up >= 64) {
        return fixed_overflowed(f, raw > 0, 0);
    }
    int64_t shifted = (int64_t)((uint64_t)raw << up);
    if (raw > (INT64_MAX >> up) || raw < (INT64_MIN >> up)) {
        return fixed_overflowed(f, raw > 0, shifted);
    }
    return fixed_fit(f, shifted);
}

// ---- fixed point: io.systole.arith.FixedMac ----

// FixedMac.multiply: the exact product of two data raw values (at most 32 bits each).
inline int64_t fixed_multiply(int64_t a, int64_t b) {
    return a * b;
}

// FixedMac.add: a + b in f, its overflow mode applied to the exact sum.
inline int64_t fixed_add(const FixedFormat& f, int64_t a, int64_t b) {
    int64_t sum = (int64_t)((uint64_t)a + (uint64_t)b);
    if (((a ^ sum) & (b ^ sum)) < 0) {
        return fixed_overflowed(f, a > 0, sum);
    }
    return fixed_fit(f, sum);
}

// FixedMac.accumulate: the product converted into the accumulator format, then added.
inline int64_t fixed_accumulate(const FixedFormat& acc_fmt, int64_t acc, int64_t product, int product_frac_bits) {
    return fixed_add(acc_fmt, acc, fixed_rescale(acc_fmt, product, product_frac_bits));
}

// FixedMac.relu: max(0, raw).
inline int64_t fixed_relu(int64_t raw) {
    return raw > 0 ? raw : 0;
}

// FixedMac.finish: bias added in the accumulator format, converted into the output format, ReLU.
inline int64_t fixed_finish(const FixedFormat& acc_fmt, const FixedFormat& out_fmt, int64_t acc, int64_t bias,
                            bool relu) {
    int64_t sum = fixed_add(acc_fmt, acc, bias);
    int64_t out = fixed_rescale(out_fmt, sum, acc_fmt.frac_bits());
    return relu ? fixed_relu(out) : out;
}

// Pooling.divideFixed: sum / count converted into out_fmt with one rounding, then its overflow mode.
inline int64_t fixed_pool_divide(const FixedFormat& sum_fmt, const FixedFormat& out_fmt, int64_t sum, int count) {
    return fixed_fit(out_fmt, round_divide(out_fmt.rounding, sum, count, sum_fmt.frac_bits() - out_fmt.frac_bits()));
}

// ---- int8: io.systole.arith.Int8 ----

// Int8.product: (x - zero_point_in) * w.
inline int32_t int8_product(int32_t x, int32_t zero_point_in, int32_t w) {
    return (x - zero_point_in) * w;
}

// Int8.accumulate: the exact acc + addend, then wrap to acc_bits bits or saturate to their range.
inline int32_t int8_accumulate(int acc_bits, bool saturate, int32_t acc, int32_t addend) {
    int64_t sum = (int64_t)acc + addend;
    int64_t max = (INT64_C(1) << (acc_bits - 1)) - 1;
    if (sum >= -max - 1 && sum <= max) {
        return (int32_t)sum;
    }
    if (!saturate) {
        return (int32_t)sign_extend((uint64_t)sum, acc_bits);
    }
    return (int32_t)(sum > max ? max : -max - 1);
}

// ---- int8 requantization: io.systole.arith.Requant ----

const int QMIN = -128;
const int QMAX = 127;

// Requant.saturatingRoundingDoublingHighMul.
inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    int64_t ab = (int64_t)a * b;
    int64_t nudge = ab >= 0 ? (INT64_C(1) << 30) : 1 - (INT64_C(1) << 30);
    return (int32_t)((ab + nudge) / (INT64_C(1) << 31)); // truncates toward zero
}

// Requant.roundingDivideByPOT: x / 2^exponent, to nearest, ties away from zero; exponent 0..31.
inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
    int32_t mask = (int32_t)((INT64_C(1) << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// Requant.multiplyByQuantizedMultiplier: the left shift keeps the low 32 bits.
inline int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift) {
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    int32_t shifted = (int32_t)((uint32_t)x << left);
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, multiplier), right);
}

inline int32_t clamp32(int64_t v, int32_t lo, int32_t hi) {
    return (int32_t)(v < lo ? lo : (v > hi ? hi : v));
}

// Requant.requantize: MULTIPLIER_SHIFT.
inline int8_t requantize(int32_t acc, int32_t multiplier, int shift, int32_t zero_point_out, int32_t qmin,
                         int32_t qmax) {
    int64_t v = (int64_t)multiply_by_quantized_multiplier(acc, multiplier, shift) + zero_point_out;
    return (int8_t)clamp32(v, qmin, qmax);
}

// Requant.roundToInt8: clamp in float32, round half to even, add the zero point.
inline int8_t round_to_int8(float v, int32_t zero_point, int32_t qmin, int32_t qmax) {
    float lo = (float)(qmin - zero_point);
    float hi = (float)(qmax - zero_point);
    float c = v < lo ? lo : (v > hi ? hi : v);
    return (int8_t)((int32_t)std::nearbyint(c) + zero_point);
}

// Requant.requantizeFloat: FLOAT_SCALE, (float) acc * scale in float32.
inline int8_t requantize_float(int32_t acc, float scale, int32_t zero_point_out, int32_t qmin, int32_t qmax) {
    return round_to_int8((float)acc * scale, zero_point_out, qmin, qmax);
}

// Requant.activationMin: the lower clamp, with a ReLU folded in.
inline int32_t activation_min(int32_t zero_point_out, bool relu) {
    return relu ? (zero_point_out > QMIN ? zero_point_out : QMIN) : QMIN;
}

// Pooling.divideInt8: to nearest, ties away from zero.
inline int32_t int8_pool_divide(int32_t sum, int32_t count) {
    int32_t half = count / 2;
    return sum > 0 ? (sum + half) / count : (sum - half) / count;
}

} // namespace systole

#endif
