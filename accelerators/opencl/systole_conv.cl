#pragma OPENCL FP_CONTRACT OFF
// Convolution, and dense layers as 1x1 convolutions of a 1x1 image, as the implicit GEMM of
// io.systole.sim.ImplicitGemm, once per group g:
//   M = batch * outH * outW positions     m = (b * outH + oy) * outW + ox
//   K = inC/groups * kH * kW reductions   k = (ci * kH + ky) * kW + kx
//   N = outC / groups channels            o = g * N + n
// Device layouts, row-major:
//   x    (batch, inC, inH, inW) activations; y (batch, outC, outH, outW)
//   xp   (batch, inC, Hp, Wp) packed elements: x padded to Hp = inH + 2 pH rows and
//        Wp = inW + 2 pW columns, the format's zero on the border (what the tiled kernels read;
//        x itself when nothing pads and activations are packed elements already)
//   ptab (M) int: where position m's window starts in xp, (b * inC * Hp + oy * sH) * Wp + ox * sW,
//        for group 0; group g starts gstride = inC/groups * Hp * Wp elements further
//   koff (K) int: where index k reads, from its window's start, (ci * Hp + ky * dH) * Wp + kx * dW
//   ktab (K) int4 (ci * inH * inW, ky * dH, kx * dW, 0): the same for conv_fused, which reads x
//        from a position's top-left input corner (oy * sH - pH, ox * sW - pW) in channel
//        g * inC/groups, unpadded
//   w    (groups, NP, K, NR) packed weights, NP = ceil(N / NR): panel p holds channels
//        p*NR .. p*NR + NR-1 side by side for each k (zeros past N)
//   chan (outC) per-channel data of the format; fmt: the format's parameters
// A register tile is MR positions x NR channels of partial sums; each of its NR-lane vectors
// holds one position's outputs, so every output keeps the order of the array it reproduces.

// The padded input xp of the tiled kernels: one work-item per padded row
// r = (b * inC + c) * Hp + py of the rows = batch * inC * Hp, global (rows rounded up).
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void KERNEL_NAME(pack)(const int rows, const int inH, const int inW, const int Hp, const int Wp,
                       const int ph, const int pw, __global const int *fmtp,
                       __global const x_t *x, __global pk_t *xp) {
  const int r = get_global_id(0);
  if (r >= rows) {
    return;
  }
  const fmt_t f = fmt_load(fmtp);
  const int iy = r % Hp - ph;
  const bool row = iy >= 0 && iy < inH;
  __global const x_t *src = x + ((size_t) (r / Hp) * inH + (row ? iy : 0)) * inW;
  __global pk_t *dst = xp + (size_t) r * Wp;
  for (int px = 0; px < Wp; px++) {
    const int ix = px - pw;
    dst[px] = row && ix >= 0 && ix < inW ? pk_from(src[ix], f) : pk_pad(f);
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

// Tiled convolution: one work-item per `tiles` consecutive register tiles (at most TT) of MR
// positions, and panel np of NR channels of group g, global (ceil(MT / tiles) rounded up, NP,
// groups), MT = ceil(M / MR). At each reduction index every position of a tile takes the same
// weight vector of the panel: the weights stay put while positions stream past them, and the
// work-item's tiles take each fold's weights in turn while they are in the cache. Indices go in
// folds of `fold`: a fold's partial sums start at zero and take one mac step per index in
// order, then join the accumulators in fold order (weight-stationary: fold = R, the array's
// rows), or settle as the outputs (output-stationary, os = 1: fold = K, one chain in one PE).
// Bias and conversion come last. The kernels conv_ws, conv_ws_v1, conv_os and conv_os_v1 run it
// for weight- and output-stationary arrays and arithmetic variant 0 and 1 (v_variant); conv_os
// ignores R.
#define CONV_PARAMS                                                                          \
  const int M, const int K, const int N, const int MT, const int tiles, const int NP,        \
      const int R, const int outC, const int HW, const int gstride,                          \
      __global const int *ptab, __global const int *koff, __global const pk_t *xp,           \
      __global const w_t *w, __global const chan_t *chan, __global const int *fmtp,          \
      __global x_t *y
#define CONV_ARGS M, K, N, MT, tiles, NP, R, outC, HW, gstride, ptab, koff, xp, w, chan, fmtp, y

static inline void conv_tiled(CONV_PARAMS, const int fold, const int os, const int variant) {
  const int t0 = get_global_id(0) * tiles;
  const int np = get_global_id(1);
  const int g = get_global_id(2);
  if (t0 >= MT) {
    return;
  }
  const int nt = min(tiles, MT - t0);
  const fmt_t f = fmt_load(fmtp);
  __global const w_t *wp = w + (size_t) (g * NP + np) * K * NR;
  vec_t acc[TT][MR];
  for (int j = 0; j < nt; j++) {
#pragma unroll
    for (int i = 0; i < MR; i++) {
      acc[j][i] = v_zero();
    }
  }
  for (int k0 = 0; k0 < K; k0 += fold) {
    const int k1 = min(K, k0 + fold);
    for (int j = 0; j < nt; j++) {
      __global const pk_t *xt[MR];  // each position's window; positions past M repeat the last
#pragma unroll
      for (int i = 0; i < MR; i++) {
        xt[i] = xp + (size_t) g * gstride + ptab[min((t0 + j) * MR + i, M - 1)];
      }
      vec_t p[MR];
#pragma unroll
      for (int i = 0; i < MR; i++) {
        p[i] = v_zero();
      }
      for (int k = k0; k < k1; k++) {
        const int o = koff[k];
        const vec_t wv = v_wg(wp + k * NR);
#pragma unroll
        for (int i = 0; i < MR; i++) {
          p[i] = v_mac(p[i], xt[i][o], wv, f, variant);
        }
      }
#pragma unroll
      for (int i = 0; i < MR; i++) {
        acc[j][i] = os ? v_settle(p[i], f) : v_fold(acc[j][i], p[i], f);
      }
    }
  }
  for (int j = 0; j < nt; j++) {
    store_tile(acc[j], t0 + j, np, g, M, N, outC, HW, chan, f, y);
  }
}

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void KERNEL_NAME(conv_ws)(CONV_PARAMS) {
  conv_tiled(CONV_ARGS, R, 0, 0);
}

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void KERNEL_NAME(conv_ws_v1)(CONV_PARAMS) {
  conv_tiled(CONV_ARGS, R, 0, 1);
}

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void KERNEL_NAME(conv_os)(CONV_PARAMS) {
  conv_tiled(CONV_ARGS, K, 1, 0);
}

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void KERNEL_NAME(conv_os_v1)(CONV_PARAMS) {
  conv_tiled(CONV_ARGS, K, 1, 1);
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
