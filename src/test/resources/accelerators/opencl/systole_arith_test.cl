#pragma OPENCL FP_CONTRACT OFF
// One arith step per kernel, applied element by element, so that tests can compare every step
// of systole_arith.cl with its Java definition on many arguments. Built after systole_arith.cl.

// out[i] = FixedFormat.rescale(raw[i], from[i]) for the format f (width, frac, rounding, overflow).
__kernel void rescale(__global const int *f, __global const long *raw, __global const int *from,
                      __global long *out) {
  const int i = get_global_id(0);
  out[i] = fx_rescale(fx_fmt_at(f), raw[i], from[i]);
}

// out[i] = FixedMac.add(a[i], b[i]) in the format f.
__kernel void add(__global const int *f, __global const long *a, __global const long *b,
                  __global long *out) {
  const int i = get_global_id(0);
  out[i] = fx_add(fx_fmt_at(f), a[i], b[i]);
}

// out[i] = Pooling.divideFixed(sum[i], count[i], sum format s, output format f).
__kernel void divide_fixed(__global const int *s, __global const int *f,
                           __global const long *sum, __global const int *count,
                           __global long *out) {
  const int i = get_global_id(0);
  out[i] = pool_divide_fixed(sum[i], count[i], fx_fmt_at(s), fx_fmt_at(f));
}

// out[i] = Int8.accumulate(acc[i], addend[i]) for an accumulator of bits bits.
__kernel void accumulate(const int bits, const int saturate, __global const int *acc,
                         __global const int *addend, __global int *out) {
  const int i = get_global_id(0);
  out[i] = int8_accumulate(acc[i], addend[i], bits, saturate);
}

// out[i] = Requant.requantize(acc[i], m[i], shift[i], zp, qmin, 127) and
// Requant.requantizeFloat(acc[i], scale[i], zp, qmin, 127) in out[n + i].
__kernel void requantize_both(const int n, const int zp, const int qmin,
                              __global const int *acc, __global const int *m,
                              __global const int *shift, __global const float *scale,
                              __global int *out) {
  const int i = get_global_id(0);
  out[i] = requantize(acc[i], m[i], shift[i], zp, qmin, 127);
  out[n + i] = requantize_float(acc[i], scale[i], zp, qmin, 127);
}

// out[i] = Pooling.divideInt8(sum[i], count[i]).
__kernel void divide_int8(__global const int *sum, __global const int *count,
                          __global int *out) {
  const int i = get_global_id(0);
  out[i] = pool_divide_int8(sum[i], count[i]);
}
