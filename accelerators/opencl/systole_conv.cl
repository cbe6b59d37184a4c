#pragma OPENCL FP_CONTRACT OFF
// Convolution, and dense layers as 1x1 convolutions of a 1x1 image, as the implicit GEMM of
// io.systole.sim.ImplicitGemm, once per group g:
//   M = batch * outH * outW positions     m = (b * outH + oy) * outW + ox
//   K = inC/groups * kH * kW reductions   k = (ci * kH + ky) * kW + kx
//   N = outC / groups channels            o = g * N + n
// Device layouts, row-major:
//   x    (batch, inC, inH, inW) activations; y (batch, outC, outH, outW)
//   ktab (K) int4 (ci * inH * inW, ky * dH, kx * dW, 0): where index k reads, from a position's
//        top-left input corner (oy * sH - pH, ox * sW - pW) in channel g * inC/groups
//   a    (groups, MT, K, MR) packed reductions, MT = ceil(M / MR): tile t holds positions
//        t*MR .. t*MR + MR-1 side by side for each k (the format's zero on padding)
//   w    (groups, NP, K, NR) packed weights, NP = ceil(N / NR): panel p holds channels
//        p*NR .. p*NR + NR-1 side by side for each k (zeros past N)
//   chan (outC) per-channel data of the format; fmt: the format's parameters
// A work-item owns a register tile of MR positions x NR channels; each of its NR-lane vectors
// holds one position's outputs, so every output keeps the order of the array it reproduces.

// im2col into register-tile order: one work-item per tile t of MR positions and chunk of PACK_K
// reduction indices of group g, global (MT rounded up, ceil(K / PACK_K), groups). For each k it
// writes the tile's MR elements side by side; positions past M get the format's zero.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void KERNEL_NAME(pack)(const int M, const int outH, const int outW, const int inC, const int inH,
                       const int inW, const int groups, const int sh, const int sw, const int ph,
                       const int pw, const int K, const int MT, __global const int4 *ktab,
                       __global const int *fmtp, __global const x_t *x, __global pk_t *a) {
  const int t = get_global_id(0);
  const int k0 = get_global_id(1) * PACK_K;
  const int g = get_global_id(2);
  if (t >= MT) {
    return;
  }
  const fmt_t f = fmt_load(fmtp);
  int base[MR];  // where each position's input channels of group g begin
  int y0[MR];    // each position's top-left input row and column
  int x0[MR];
  bool live[MR];
#pragma unroll
  for (int i = 0; i < MR; i++) {
    const int m = min(t * MR + i, M - 1);
    live[i] = t * MR + i < M;
    base[i] = (m / (outW * outH) * inC + g * (inC / groups)) * inH * inW;
    y0[i] = m / outW % outH * sh - ph;
    x0[i] = m % outW * sw - pw;
  }
  __global pk_t *dst = a + (size_t) (g * MT + t) * K * MR;
  for (int k = k0; k < min(K, k0 + PACK_K); k++) {
    const int4 tk = ktab[k];
#pragma unroll
    for (int i = 0; i < MR; i++) {
      const int iy = y0[i] + tk.y;
      const int ix = x0[i] + tk.z;
      const bool inside = live[i] && iy >= 0 && iy < inH && ix >= 0 && ix < inW;
      dst[k * MR + i] = inside ? pk_from(x[base[i] + tk.x + iy * inW + ix], f) : pk_pad(f);
    }
  }
}

// Writes a register tile: finish (bias, conversion, fused ReLU) and scatter to (batch, outC, HW).
static inline void store_tile(const vec_t *acc, int t, int np, int g, int M, int N, int outC,
                              int HW, __global const chan_t *chan, fmt_t f, __global x_t *y) {
  for (int i = 0; i < MR; i++) {
    const int m = t * MR + i;
    if (m >= M) {
      return;
    }
    acc_t lanes[NR];
    v_lanes(acc[i], lanes);
    const int b = m / HW;
    const int hw = m % HW;
    for (int j = 0; j < NR; j++) {
      const int n = np * NR + j;
      if (n < N) {
        const int o = g * N + n;
        y[(size_t) (b * outC + o) * HW + hw] = finish(lanes[j], o, chan, f);
      }
    }
  }
}

// One slice of conv_ws for one work-item: the reduction indices [s0, s1) of its MR positions
// against the slice's weights in local memory, fold by fold; fold_end is where the current fold
// ends (it may lie beyond the slice). Partial sums p and accumulators acc are copied in and out,
// so that within the slice they stay in registers. The variant (v_variant) is a constant of
// each kernel, which the compiler folds into the inner loop.
static inline int ws_slice(vec_t *p, vec_t *acc, __global const pk_t *at,
                           __local const w_t *slice, int s0, int s1, int fold_end, int K,
                           int R, fmt_t f, const int variant) {
  vec_t sp[MR];
  vec_t sacc[MR];
#pragma unroll
  for (int i = 0; i < MR; i++) {
    sp[i] = p[i];
    sacc[i] = acc[i];
  }
  for (int k0 = s0, end; k0 < s1; k0 = end) {
    end = min(s1, fold_end);
    for (int k = k0; k < end; k++) {
      const vec_t wv = v_wl(slice + (k - s0) * NR);
#pragma unroll
      for (int i = 0; i < MR; i++) {
        sp[i] = v_mac(sp[i], at[k * MR + i], wv, f, variant);
      }
    }
    if (end == fold_end) {
#pragma unroll
      for (int i = 0; i < MR; i++) {
        sacc[i] = v_fold(sacc[i], sp[i], f);
        sp[i] = v_zero();
      }
      fold_end = min(K, fold_end + R);
    }
  }
#pragma unroll
  for (int i = 0; i < MR; i++) {
    p[i] = sp[i];
    acc[i] = sacc[i];
  }
  return fold_end;
}

// Weight-stationary: the work-group holds a slice of KT reduction indices x NR channels of the
// filter bank in local memory while its WG work-items stream WG * MR positions past it; each
// slice is loaded once and used by every position of the group. Folds of R reduction indices
// (the array's rows): a fold's partial sums start at zero, take R mac steps in order and join the
// accumulators in fold order; a fold may span slices. Bias and conversion come last.
// Work-items past the last tile only help load the slices. global (MT rounded up, NP, groups).
// The kernels conv_ws and conv_ws_v1 run it for arithmetic variant 0 and 1 (v_variant).
#define CONV_WS_PARAMS                                                                      \
  const int M, const int K, const int N, const int MT, const int NP, const int R,          \
      const int outC, const int HW, __global const pk_t *a, __global const w_t *w,         \
      __global const chan_t *chan, __global const int *fmtp, __global x_t *y
#define CONV_WS_ARGS M, K, N, MT, NP, R, outC, HW, a, w, chan, fmtp, y

static inline void conv_ws(CONV_WS_PARAMS, __local w_t *slice, const int variant) {
  const int t = get_global_id(0);
  const int np = get_global_id(1);
  const int g = get_global_id(2);
  const int lid = get_local_id(0);
  const int lsize = get_local_size(0);
  const fmt_t f = fmt_load(fmtp);
  __global const pk_t *at = a + (size_t) (g * MT + min(t, MT - 1)) * K * MR;
  __global const w_t *wp = w + (size_t) (g * NP + np) * K * NR;
  vec_t acc[MR];
  vec_t p[MR];
  for (int i = 0; i < MR; i++) {
    acc[i] = v_zero();
    p[i] = v_zero();
  }
  int fold_end = min(K, R);  // where the current fold ends
  for (int s0 = 0; s0 < K; s0 += KT) {
    const int s1 = min(K, s0 + KT);
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int e = lid; e < (s1 - s0) * NR; e += lsize) {
      slice[e] = wp[s0 * NR + e];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (t < MT) {
      fold_end = ws_slice(p, acc, at, slice, s0, s1, fold_end, K, R, f, variant);
    }
  }
  if (t < MT) {
    store_tile(acc, t, np, g, M, N, outC, HW, chan, f, y);
  }
}

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void KERNEL_NAME(conv_ws)(CONV_WS_PARAMS) {
  __local w_t slice[KT * NR];
  conv_ws(CONV_WS_ARGS, slice, 0);
}

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void KERNEL_NAME(conv_ws_v1)(CONV_WS_PARAMS) {
  __local w_t slice[KT * NR];
  conv_ws(CONV_WS_ARGS, slice, 1);
}

// Output-stationary: each work-item keeps its MR x NR outputs in registers and accumulates all
// of K in order, while packed inputs and weights stream past. global (MT rounded up, NP, groups).
// The kernels conv_os and conv_os_v1 run it for arithmetic variant 0 and 1 (v_variant).
#define CONV_OS_PARAMS                                                                      \
  const int M, const int K, const int N, const int MT, const int NP, const int outC,       \
      const int HW, __global const pk_t *a, __global const w_t *w,                         \
      __global const chan_t *chan, __global const int *fmtp, __global x_t *y
#define CONV_OS_ARGS M, K, N, MT, NP, outC, HW, a, w, chan, fmtp, y

static inline void conv_os(CONV_OS_PARAMS, const int variant) {
  const int t = get_global_id(0);
  const int np = get_global_id(1);
  const int g = get_global_id(2);
  if (t >= MT) {
    return;
  }
  const fmt_t f = fmt_load(fmtp);
  __global const pk_t *at = a + (size_t) (g * MT + t) * K * MR;
  __global const w_t *wp = w + (size_t) (g * NP + np) * K * NR;
  vec_t p[MR];
#pragma unroll
  for (int i = 0; i < MR; i++) {
    p[i] = v_zero();
  }
  for (int k = 0; k < K; k++) {
    const vec_t wv = v_wg(wp + k * NR);
#pragma unroll
    for (int i = 0; i < MR; i++) {
      p[i] = v_mac(p[i], at[k * MR + i], wv, f, variant);
    }
  }
#pragma unroll
  for (int i = 0; i < MR; i++) {
    p[i] = v_settle(p[i], f);
  }
  store_tile(p, t, np, g, M, N, outC, HW, chan, f, y);
}

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void KERNEL_NAME(conv_os)(CONV_OS_PARAMS) {
  conv_os(CONV_OS_ARGS, 0);
}

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void KERNEL_NAME(conv_os_v1)(CONV_OS_PARAMS) {
  conv_os(CONV_OS_ARGS, 1);
}

// Convolution + bias + ReLU + pooling in one launch, reading the input directly (no packing):
// for small layers, where one launch costs more than the arithmetic. One work-item per pooled
// output and panel of NR channels, global (outH * outW rounded up, NP, batch * groups). The
// convolution output (convH, convW) is pooled by a (pkh, pkw) window with stride and padding;
// kind POOL_NONE with a 1x1 window stores the convolution itself. Each convolution output
// follows the order of conv_ws (fold = R) or conv_os (os = 1, fold = K).
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void KERNEL_NAME(conv_fused)(const int inC, const int inH, const int inW, const int groups,
                             const int outC, const int convH, const int convW, const int sh,
                             const int sw, const int ph, const int pw, const int K, const int N,
                             const int NP, const int fold, const int os, const int kind,
                             const int pkh, const int pkw, const int psh, const int psw,
                             const int pph, const int ppw, const int count_include_pad,
                             const int outH, const int outW, __global const int4 *ktab,
                             __global const w_t *w, __global const chan_t *chan,
                             __global const int *fmtp, __global const int *poolp,
                             __global const x_t *x, __global x_t *y) {
  if ((int) get_global_id(0) >= outH * outW) {
    return;
  }
  const int py = get_global_id(0) / outW;
  const int px = get_global_id(0) % outW;
  const int np = get_global_id(1);
  const int b = get_global_id(2) / groups;
  const int g = get_global_id(2) % groups;
  const fmt_t f = fmt_load(fmtp);
  const pool_fmt_t pf = pool_fmt_load(poolp);
  __global const x_t *xb = x + (size_t) (b * inC + g * (inC / groups)) * inH * inW;
  __global const w_t *wp = w + (size_t) (g * NP + np) * K * NR;
  window_t win[NR];
  for (int j = 0; j < NR; j++) {
    win[j] = window_begin(kind);
  }
  for (int wy = 0; wy < pkh; wy++) {
    for (int wx = 0; wx < pkw; wx++) {
      const int cy = py * psh - pph + wy;
      const int cx = px * psw - ppw + wx;
      if (cy < 0 || cy >= convH || cx < 0 || cx >= convW) {
        for (int j = 0; j < NR; j++) {
          win[j] = window_pad(win[j], kind, count_include_pad, pf);
        }
        continue;
      }
      const int y0 = cy * sh - ph;
      const int x0 = cx * sw - pw;
      vec_t acc = v_zero();
      for (int k0 = 0; k0 < K; k0 += fold) {
        const int k1 = min(K, k0 + fold);
        vec_t p = v_zero();
        for (int k = k0; k < k1; k++) {
          const int4 t = ktab[k];
          const int iy = y0 + t.y;
          const int ix = x0 + t.z;
          const bool inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
          const pk_t xv = inside ? pk_from(xb[t.x + iy * inW + ix], f) : pk_pad(f);
          p = v_mac(p, xv, v_wg(wp + k * NR), f, v_variant(f));
        }
        acc = os ? v_settle(p, f) : v_fold(acc, p, f);
      }
      acc_t lanes[NR];
      v_lanes(acc, lanes);
      for (int j = 0; j < NR; j++) {
        const int n = np * NR + j;
        if (n < N) {
          win[j] = window_take(win[j], finish(lanes[j], g * N + n, chan, f), kind, pf);
        }
      }
    }
  }
  for (int j = 0; j < NR; j++) {
    const int n = np * NR + j;
    if (n < N) {
      y[((size_t) (b * outC + g * N + n) * outH + py) * outW + px] = window_end(win[j], kind, pf);
    }
  }
}
