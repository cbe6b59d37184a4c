#pragma OPENCL FP_CONTRACT OFF
// FPGA-flavoured kernels: single work-item kernels whose loops a high-level synthesis compiler
// (Intel FPGA SDK for OpenCL, Xilinx Vitis) turns into pipelines. The processing-element loops
// are fully unrolled over the array's ROWS x COLS (build options -DROWS, -DCOLS), so each PE is
// its own multiply-accumulate unit with its weight in a register; pooling reads its input once
// through a shift-register line buffer of LINE elements (-DLINE). Built after
// opencl/systole_arith.cl and opencl/systole_format.cl, whose steps they use, so every output
// equals the simulator's for the same array.
#if !defined(ROWS) || !defined(COLS) || !defined(LINE)
#error "build with -DROWS, -DCOLS (the array) and -DLINE (the pooling line buffer)"
#endif

// The weight-stationary array of the simulator, fold by fold: for each group, tile of COLS
// output channels and fold of ROWS reduction indices, the fold's weights are loaded into the
// PEs' registers, then every output position streams through: its column of ROWS activations
// (im2col through ktab, the format's zero on padding) enters the array, each column's partial
// sum takes ROWS mac steps from zero down the rows, and leaves into the position's accumulator
// (fold order). After a tile's last fold the accumulators are finished (bias, conversion, ReLU).
// Layouts as in opencl/systole_conv.cl; w is (outC, K); acc is scratch of (M, COLS).
__kernel __attribute__((max_global_work_dim(0)))
void KERNEL_NAME(conv_array)(const int inC, const int inH, const int inW, const int groups,
                             const int outC, const int outH, const int outW, const int sh,
                             const int sw, const int ph, const int pw, const int K,
                             const int N, const int M, __global const int4 *restrict ktab,
                             __global const w_t *restrict w,
                             __global const chan_t *restrict chan,
                             __global const int *restrict fmtp,
                             __global const x_t *restrict x, __global acc_t *restrict acc,
                             __global x_t *restrict y) {
  const fmt_t f = fmt_load(fmtp);
  const int hw = outH * outW;
  for (int g = 0; g < groups; g++) {
    for (int n0 = 0; n0 < N; n0 += COLS) {
      for (int k0 = 0; k0 < K; k0 += ROWS) {
        w_t pe[ROWS][COLS];  // the stationary weights, one register per PE
#pragma unroll
        for (int r = 0; r < ROWS; r++) {
#pragma unroll
          for (int c = 0; c < COLS; c++) {
            const bool live = k0 + r < K && n0 + c < N;
            pe[r][c] = live ? w[(size_t) (g * N + n0 + c) * K + k0 + r] : 0;
          }
        }
        for (int m = 0; m < M; m++) {
          const int b = m / hw;
          const int y0 = m % hw / outW * sh - ph;
          const int x0 = m % outW * sw - pw;
          __global const x_t *xb = x + (size_t) (b * inC + g * (inC / groups)) * inH * inW;
          pk_t column[ROWS];  // the activations entering the rows
#pragma unroll
          for (int r = 0; r < ROWS; r++) {
            const int4 t = ktab[min(k0 + r, K - 1)];
            const int iy = y0 + t.y;
            const int ix = x0 + t.z;
            const bool inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
            column[r] = inside ? pk_from(xb[t.x + iy * inW + ix], f) : pk_pad(f);
          }
#pragma unroll
          for (int c = 0; c < COLS; c++) {
            acc_t p = s_zero();
#pragma unroll
            for (int r = 0; r < ROWS; r++) {
              if (k0 + r < K) {
                p = s_mac(p, column[r], pe[r][c], f);
              }
            }
            __global acc_t *a = acc + (size_t) m * COLS + c;
            *a = s_fold(k0 == 0 ? s_zero() : *a, p, f);
          }
        }
      }
      for (int m = 0; m < M; m++) {
        for (int c = 0; c < COLS && n0 + c < N; c++) {
          const int o = g * N + n0 + c;
          y[(size_t) (m / hw * outC + o) * hw + m % hw] =
              finish(acc[(size_t) m * COLS + c], o, chan, f);
        }
      }
    }
  }
}

// Pooling with a line buffer: each (batch, channel) plane is read once, element by element, in
// its padded form ((inH + 2 pH) x (inW + 2 pW), padding marked invalid), through a shift register
// that keeps the last LINE elements; a window is complete when its bottom-right element arrives,
// and its elements are the taps (kH-1-ky) * paddedW + (kW-1-kx) behind the newest one. Window
// arithmetic as opencl/systole_pool.cl. The host checks (kH-1) * paddedW + kW <= LINE.
__kernel __attribute__((max_global_work_dim(0)))
void KERNEL_NAME(pool_line)(const int planes, const int inH, const int inW, const int outH,
                            const int outW, const int kind, const int kh, const int kw,
                            const int sh, const int sw, const int ph, const int pw,
                            const int count_include_pad, __global const int *restrict poolp,
                            __global const x_t *restrict x, __global x_t *restrict y) {
  const pool_fmt_t pf = pool_fmt_load(poolp);
  const int paddedH = inH + 2 * ph;
  const int paddedW = inW + 2 * pw;
  for (int plane = 0; plane < planes; plane++) {
    x_t line[LINE];
    bool valid[LINE];
#pragma unroll
    for (int i = 0; i < LINE; i++) {
      valid[i] = false;
    }
    for (int py = 0; py < paddedH; py++) {
      for (int px = 0; px < paddedW; px++) {
        const int iy = py - ph;
        const int ix = px - pw;
        const bool inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
#pragma unroll
        for (int i = 0; i < LINE - 1; i++) {
          line[i] = line[i + 1];
          valid[i] = valid[i + 1];
        }
        line[LINE - 1] = inside ? x[((size_t) plane * inH + iy) * inW + ix] : pool_pad(pf);
        valid[LINE - 1] = inside;
        const int top = py - kh + 1;
        const int left = px - kw + 1;
        if (top < 0 || left < 0 || top % sh != 0 || left % sw != 0 || top / sh >= outH
            || left / sw >= outW) {
          continue;
        }
        window_t win = window_begin(kind);
        for (int ky = 0; ky < kh; ky++) {
          for (int kx = 0; kx < kw; kx++) {
            const int tap = LINE - 1 - ((kh - 1 - ky) * paddedW + (kw - 1 - kx));
            win = valid[tap] ? window_take(win, line[tap], kind, pf)
                             : window_pad(win, kind, count_include_pad, pf);
          }
        }
        y[((size_t) plane * outH + top / sh) * outW + left / sw] = window_end(win, kind, pf);
      }
    }
  }
}
