#pragma OPENCL FP_CONTRACT OFF
// The number format of one program, chosen at build time by -DSYSTOLE_F32, -DSYSTOLE_INT8 or
// -DSYSTOLE_FIXED: element types, the parameters the host passes, and each step of the order
// (io.systole.arith package description) in scalar form (s_*) and over NR output channels at
// once (v_*). A vector lane is one output: lanes never mix, so each output keeps its own order.
//
//   step            f32                   int8                         fixed
//   packed x        x (0.0f on padding)   x - zpIn (0 on padding)      raw x (0 on padding)
//   mac(p, x, w)    fma(x, w, p)          Int8.accumulate(p, x * w)    FixedMac.accumulate(p, xw)
//   fold(acc, p)    acc + p               Int8.accumulate(acc, p)      FixedMac.add(acc, p)
//   settle(p)       p                     p (see v_settle)             p
//   finish(acc, o)  acc + bias, ReLU      bias, requantize, ReLU clamp FixedMac.finish

// Tile sizes come from the host's build options: -DMR (positions per register tile), -DNR
// (output channels per vector: 16 lanes), -DTT (register tiles per work-item of the tiled
// kernels, at most) and -DWG (work-items per work-group of the packing and convolution kernels,
// which the host always launches in groups of (WG, 1, 1)).
#if !defined(MR) || !defined(NR) || !defined(TT) || !defined(WG) || NR != 16
#error "build with -DMR, -DTT, -DWG and -DNR=16"
#endif

#ifdef __clang__
// 16-lane vectors go between inlined functions only; clang's note that an x86 call without
// AVX-512 would pass them differently concerns no call that remains.
#pragma clang diagnostic ignored "-Wpsabi"
#endif

#if defined(SYSTOLE_F32)

// Kernel names carry the family, so that a binary says which format it was built for.
#define KERNEL_NAME(base) base##_f32

typedef float x_t;    // activation in device memory
typedef float pk_t;   // packed reduction element
typedef float w_t;    // weight
typedef float acc_t;  // partial sum or accumulator
typedef float16 vec_t; // NR lanes of acc_t
typedef float chan_t; // per output channel: bias
typedef float pool_t; // running maximum or sum of a pooling window

// Host layout: relu.
typedef struct {
  int relu;
} fmt_t;

// Pooling needs nothing but the values.
typedef struct {
  int unused;
} pool_fmt_t;

static inline fmt_t fmt_load(__global const int *p) {
  fmt_t f;
  f.relu = p[0];
  return f;
}

static inline pool_fmt_t pool_fmt_load(__global const int *p) {
  pool_fmt_t f;
  f.unused = p[0];
  return f;
}

static inline pk_t pk_from(x_t x, fmt_t f) { return x; }
static inline pk_t pk_pad(fmt_t f) { return 0.0f; }
static inline acc_t s_zero(void) { return 0.0f; }
static inline acc_t s_mac(acc_t p, pk_t x, w_t w, fmt_t f) { return fma(x, w, p); }
static inline acc_t s_fold(acc_t acc, acc_t p, fmt_t f) { return acc + p; }

static inline vec_t v_zero(void) { return (vec_t) (0.0f); }
static inline vec_t v_wg(__global const w_t *w) { return vload16(0, w); }
// The arithmetic variant of a format's mac step, 0 or 1 (int8: wrap or saturate); the tiled
// kernels come in one entry point per variant (conv_ws, conv_ws_v1), so that no step tests it.
static inline int v_variant(fmt_t f) { return 0; }
static inline vec_t v_mac(vec_t p, pk_t x, vec_t w, fmt_t f, const int variant) {
  return fma((vec_t) (x), w, p);
}
static inline vec_t v_fold(vec_t acc, vec_t p, fmt_t f) { return acc + p; }
static inline vec_t v_settle(vec_t p, fmt_t f) { return p; }
static inline void v_lanes(vec_t v, acc_t *lanes) { vstore16(v, 0, lanes); }

// Float32Order.addBias, then Float32Order.relu when fused.
static inline x_t finish(acc_t acc, int o, __global const chan_t *chan, fmt_t f) {
  float v = acc + chan[o];
  return f.relu ? (v > 0.0f ? v : 0.0f) : v;
}

// Pooling: maxF32 keeps the first of equal values; the average adds in window order from 0.0f.
static inline pool_t pool_first(x_t v) { return v; }
static inline pool_t pool_max(pool_t m, x_t v) { return v > m ? v : m; }
static inline pool_t pool_sum_zero(void) { return 0.0f; }
static inline pool_t pool_sum(pool_t s, x_t v, pool_fmt_t pf) { return s + v; }
static inline x_t pool_avg(pool_t s, int count, pool_fmt_t pf) { return s / (float) count; }
static inline x_t pool_pad(pool_fmt_t pf) { return 0.0f; }
static inline x_t pool_result(pool_t m) { return m; }

#elif defined(SYSTOLE_INT8)

#define KERNEL_NAME(base) base##_int8

typedef char x_t;
typedef int pk_t;     // x - zpIn, in -255..255
typedef char w_t;
typedef int acc_t;
typedef int16 vec_t;
typedef int4 chan_t;  // bias, multiplier, shift, float scale bits
typedef int pool_t;

// Host layout: accumulator bits, saturate, requant mode, zpIn, zpOut, qmin, qmax.
typedef struct {
  int bits;
  int sat;
  int mode;
  int zp_in;
  int zp_out;
  int qmin;
  int qmax;
  int acc_min;
  int acc_max;
  int unused;  // 32 - bits: the left shift that wraps a 32-bit sum to bits bits
} fmt_t;

// Host layout: the zero point of the pooled values (padding holds it).
typedef struct {
  int zp;
} pool_fmt_t;

static inline fmt_t fmt_load(__global const int *p) {
  fmt_t f;
  f.bits = p[0];
  f.sat = p[1];
  f.mode = p[2];
  f.zp_in = p[3];
  f.zp_out = p[4];
  f.qmin = p[5];
  f.qmax = p[6];
  f.acc_max = (int) ((1L << (f.bits - 1)) - 1);
  f.acc_min = -f.acc_max - 1;
  f.unused = 32 - f.bits;
  return f;
}

static inline pool_fmt_t pool_fmt_load(__global const int *p) {
  pool_fmt_t f;
  f.zp = p[0];
  return f;
}

// Int8.product is (x - zpIn) * w; the packed element holds x - zpIn.
static inline pk_t pk_from(x_t x, fmt_t f) { return (pk_t) (x - f.zp_in); }
static inline pk_t pk_pad(fmt_t f) { return 0; }
static inline acc_t s_zero(void) { return 0; }
static inline acc_t s_mac(acc_t p, pk_t x, w_t w, fmt_t f) {
  return int8_accumulate(p, (int) x * w, f.bits, f.sat);
}
static inline acc_t s_fold(acc_t acc, acc_t p, fmt_t f) {
  return int8_accumulate(acc, p, f.bits, f.sat);
}

// Int8.accumulate on NR lanes under SATURATE, both operands in the accumulator's range: add_sat
// clamps the exact sum to 32 bits, which is the range when bits is 32; narrower sums are exact.
static inline vec_t v_saturate(vec_t acc, vec_t addend, fmt_t f) {
  return clamp(add_sat(acc, addend), (vec_t) (f.acc_min), (vec_t) (f.acc_max));
}

// A 32-bit value wrapped to the accumulator: its low bits bits, sign-extended.
static inline vec_t v_wrap(vec_t v, fmt_t f) {
  return as_int16(as_uint16(v) << (uint) f.unused) >> f.unused;
}

// Under WRAP a partial sum is held modulo 2^32 and wrapped to bits bits only when it leaves its
// column (v_fold) or its PE (v_settle): wrapping commutes with addition modulo 2^bits, so this
// gives the value Int8.accumulate gives when it wraps after every step.

static inline vec_t v_zero(void) { return (vec_t) (0); }
static inline vec_t v_wg(__global const w_t *w) { return convert_int16(vload16(0, w)); }
// Variant 0 wraps, variant 1 saturates.
static inline int v_variant(fmt_t f) { return f.sat; }
static inline vec_t v_mac(vec_t p, pk_t x, vec_t w, fmt_t f, const int variant) {
  const vec_t product = (vec_t) (x) * w;
  return variant ? v_saturate(p, product, f) : as_int16(as_uint16(p) + as_uint16(product));
}
static inline vec_t v_fold(vec_t acc, vec_t p, fmt_t f) {
  return f.sat ? v_saturate(acc, p, f) : v_wrap(as_int16(as_uint16(acc) + as_uint16(p)), f);
}
static inline vec_t v_settle(vec_t p, fmt_t f) { return f.sat ? p : v_wrap(p, f); }
static inline void v_lanes(vec_t v, acc_t *lanes) { vstore16(v, 0, lanes); }

// Operands.Int8Layer.finish: bias with the accumulator's rule, requantization, ReLU clamp.
static inline x_t finish(acc_t acc, int o, __global const chan_t *chan, fmt_t f) {
  int4 c = chan[o];
  int sum = int8_accumulate(acc, c.x, f.bits, f.sat);
  int q = f.mode == REQUANT_MULTIPLIER_SHIFT
      ? requantize(sum, c.y, c.z, f.zp_out, f.qmin, f.qmax)
      : requantize_float(sum, as_float(c.w), f.zp_out, f.qmin, f.qmax);
  return (x_t) q;
}

// Pooling: maxInt8; the average is the int sum, then Pooling.divideInt8.
static inline pool_t pool_first(x_t v) { return v; }
static inline pool_t pool_max(pool_t m, x_t v) { return max(m, (int) v); }
static inline pool_t pool_sum_zero(void) { return 0; }
static inline pool_t pool_sum(pool_t s, x_t v, pool_fmt_t pf) { return s + v; }
static inline x_t pool_avg(pool_t s, int count, pool_fmt_t pf) {
  return (x_t) pool_divide_int8(s, count);
}
static inline x_t pool_pad(pool_fmt_t pf) { return (x_t) pf.zp; }
static inline x_t pool_result(pool_t m) { return (x_t) m; }

#elif defined(SYSTOLE_FIXED)

#define KERNEL_NAME(base) base##_fixed

typedef int x_t;      // raw value of the data format (at most 32 bits)
typedef int pk_t;
typedef int w_t;
typedef long acc_t;   // raw value of the accumulator format
typedef struct {
  long l[NR];
} vec_t;
typedef long chan_t;  // bias, raw in the accumulator format
typedef long pool_t;

// Host layout: accumulator format (4 ints), data format (4 ints), product fraction bits, relu.
typedef struct {
  fx_fmt acc;
  fx_fmt out;
  int product_frac;
  int relu;
} fmt_t;

// Host layout: sum format (4 ints), data format (4 ints).
typedef struct {
  fx_fmt sum;
  fx_fmt data;
} pool_fmt_t;

static inline fmt_t fmt_load(__global const int *p) {
  fmt_t f;
  f.acc = fx_fmt_at(p);
  f.out = fx_fmt_at(p + 4);
  f.product_frac = p[8];
  f.relu = p[9];
  return f;
}

static inline pool_fmt_t pool_fmt_load(__global const int *p) {
  pool_fmt_t f;
  f.sum = fx_fmt_at(p);
  f.data = fx_fmt_at(p + 4);
  return f;
}

static inline pk_t pk_from(x_t x, fmt_t f) { return x; }
static inline pk_t pk_pad(fmt_t f) { return 0; }
static inline acc_t s_zero(void) { return 0; }
static inline acc_t s_mac(acc_t p, pk_t x, w_t w, fmt_t f) {
  return fx_accumulate(f.acc, p, (long) x * w, f.product_frac);
}
static inline acc_t s_fold(acc_t acc, acc_t p, fmt_t f) { return fx_add(f.acc, acc, p); }

static inline vec_t v_zero(void) {
  vec_t v;
  for (int j = 0; j < NR; j++) {
    v.l[j] = 0;
  }
  return v;
}
static inline vec_t v_wg(__global const w_t *w) {
  vec_t v;
  for (int j = 0; j < NR; j++) {
    v.l[j] = w[j];
  }
  return v;
}
static inline int v_variant(fmt_t f) { return 0; }
static inline vec_t v_mac(vec_t p, pk_t x, vec_t w, fmt_t f, const int variant) {
  for (int j = 0; j < NR; j++) {
    p.l[j] = fx_accumulate(f.acc, p.l[j], (long) x * w.l[j], f.product_frac);
  }
  return p;
}
static inline vec_t v_fold(vec_t acc, vec_t p, fmt_t f) {
  for (int j = 0; j < NR; j++) {
    acc.l[j] = fx_add(f.acc, acc.l[j], p.l[j]);
  }
  return acc;
}
static inline vec_t v_settle(vec_t p, fmt_t f) { return p; }
static inline void v_lanes(vec_t v, acc_t *lanes) {
  for (int j = 0; j < NR; j++) {
    lanes[j] = v.l[j];
  }
}

// Operands.FixedLayer.finish: FixedMac.finish into the data format.
static inline x_t finish(acc_t acc, int o, __global const chan_t *chan, fmt_t f) {
  return (x_t) fx_finish(acc, chan[o], f.acc, f.out, f.relu);
}

// Pooling: maxFixed; the average accumulates into the sum format, then Pooling.divideFixed.
static inline pool_t pool_first(x_t v) { return v; }
static inline pool_t pool_max(pool_t m, x_t v) { return max(m, (long) v); }
static inline pool_t pool_sum_zero(void) { return 0; }
static inline pool_t pool_sum(pool_t s, x_t v, pool_fmt_t pf) {
  return fx_accumulate(pf.sum, s, v, pf.data.frac);
}
static inline x_t pool_avg(pool_t s, int count, pool_fmt_t pf) {
  return (x_t) pool_divide_fixed(s, count, pf.sum, pf.data);
}
static inline x_t pool_pad(pool_fmt_t pf) { return 0; }
static inline x_t pool_result(pool_t m) { return (x_t) m; }

#else
#error "build with -DSYSTOLE_F32, -DSYSTOLE_INT8 or -DSYSTOLE_FIXED"
#endif

// ---- Pooling windows, every format ------------------------------------------------------------

#define POOL_NONE 0  // identity: the value passes through
#define POOL_MAX 1
#define POOL_AVG 2

// One window being pooled: its running value, how many values it took, whether any was real.
typedef struct {
  pool_t v;
  int count;
  int found;
} window_t;

static inline window_t window_begin(int kind) {
  window_t w;
  w.v = pool_sum_zero();
  w.count = 0;
  w.found = 0;
  return w;
}

// A value inside the input: the max takes it (the first starts the maximum), the average adds it.
static inline window_t window_take(window_t w, x_t v, int kind, pool_fmt_t pf) {
  if (kind == POOL_AVG) {
    w.v = pool_sum(w.v, v, pf);
  } else {
    w.v = w.found ? pool_max(w.v, v) : pool_first(v);
  }
  w.found = 1;
  w.count++;
  return w;
}

// A padded position: never wins a max; the average adds the format's zero when padding counts.
static inline window_t window_pad(window_t w, int kind, int count_include_pad, pool_fmt_t pf) {
  if (kind == POOL_AVG && count_include_pad) {
    w.v = pool_sum(w.v, pool_pad(pf), pf);
    w.count++;
  }
  return w;
}

static inline x_t window_end(window_t w, int kind, pool_fmt_t pf) {
  return kind == POOL_AVG ? pool_avg(w.v, w.count, pf) : pool_result(w.v);
}
