#pragma OPENCL FP_CONTRACT OFF
// Max and average pooling per channel, io.systole.arith.Pooling: the window is visited row by
// row; max takes only positions inside the input (padding never wins), the average adds the
// format's zero for a padded position when padding counts, and divides once.

// x (batch, C, inH, inW), y (batch, C, outH, outW) with n = batch * C * outH * outW outputs;
// one work-item per output, global (n rounded up).
__kernel void KERNEL_NAME(pool)(const int n, const int inH, const int inW, const int outH,
                                const int outW, const int kind, const int kh, const int kw,
                                const int sh, const int sw, const int ph, const int pw,
                                const int count_include_pad, __global const int *poolp,
                                __global const x_t *x, __global x_t *y) {
  const int i = get_global_id(0);
  if (i >= n) {
    return;
  }
  const int ox = i % outW;
  const int oy = i / outW % outH;
  const int bc = i / (outW * outH);
  const pool_fmt_t pf = pool_fmt_load(poolp);
  __global const x_t *xb = x + (size_t) bc * inH * inW;
  window_t win = window_begin(kind);
  for (int ky = 0; ky < kh; ky++) {
    const int iy = oy * sh - ph + ky;
    for (int kx = 0; kx < kw; kx++) {
      const int ix = ox * sw - pw + kx;
      if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
        win = window_take(win, xb[iy * inW + ix], kind, pf);
      } else {
        win = window_pad(win, kind, count_include_pad, pf);
      }
    }
  }
  y[i] = window_end(win, kind, pf);
}
