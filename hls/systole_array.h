// systole HLS library: the systolic array of io.systole.sim as synthesizable C++.
//
// An R x C mesh of processing elements (params.h: SYSTOLE_ROWS x SYSTOLE_COLS) runs a layer's
// implicit GEMM fold by fold, with the fold order, register timing and arithmetic order of the
// Java simulator (io.systole.sim.WeightStationary, OutputStationary, PeEngine), so every output
// equals the simulator's bit for bit. Beside it, the pooling unit (io.systole.sim.PoolingUnit).
//
// A layer is a struct of compile-time constants (written by the exporter into layer_NAME.h):
//   batch, in_c, in_h, in_w, out_c, groups, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w,
//   m = batch*out_h*out_w, k = in_c/groups*kh*kw, n = out_c/groups, relu, and the output step's
//   constants (bias; int8: zero points and multipliers or scales).
// Input (batch, in_c, in_h, in_w) and output (batch, out_c, out_h, out_w) are row-major.
#ifndef SYSTOLE_ARRAY_H
#define SYSTOLE_ARRAY_H

#include "params.h"
#include "systole_arith.h"
#ifdef SYSTOLE_AP_TYPES
#include <ap_fixed.h>
#include <ap_int.h>
#endif

namespace systole {

const int R = SYSTOLE_ROWS;
const int C = SYSTOLE_COLS;
const int LANES = SYSTOLE_POOLING_LANES;

// ---- the format: data and accumulator types, one PE step, the output step ----
//
// Registers hold raw values (a fixed-point value is its raw integer). Plain C++ computes every
// step with systole_arith.h; compiled with SYSTOLE_AP_TYPES (and the vendor's ap_fixed.h and
// ap_int.h on the include path), registers are ap_int of their exact widths and the steps that
// ap_fixed defines identically (products, accumulator adds, conversion to the output format)
// use ap_fixed; requantization and the average pooling division stay in plain integer code.

#ifdef SYSTOLE_AP_TYPES
// io.systole.arith.Rounding and Overflow, by ordinal, as ap_fixed modes.
constexpr ap_q_mode AP_ROUNDING[] = {AP_TRN, AP_TRN_ZERO, AP_RND, AP_RND_ZERO, AP_RND_INF, AP_RND_MIN_INF, AP_RND_CONV};
constexpr ap_o_mode AP_OVERFLOW[] = {AP_WRAP, AP_SAT, AP_SAT_ZERO, AP_SAT_SYM};

// An ap_fixed (or ap_int-like ap_fixed) holding a raw value, and its raw value back.
template <class T> inline T ap_from_raw(int64_t raw) {
    T v;
    v.V = raw;
    return v;
}
template <class T> inline int64_t ap_raw(const T& v) {
    return v.V.to_int64();
}
#endif

#if SYSTOLE_FORMAT_INT8
#ifdef SYSTOLE_AP_TYPES
typedef ap_int<8> data_t;                 // int8 activation or weight
typedef ap_int<SYSTOLE_ACC_BITS> acc_t;   // the accumulator
#else
typedef int8_t data_t;
typedef int32_t acc_t;
#endif

// The accumulator's add: exact, then wrap to SYSTOLE_ACC_BITS bits or saturate (Int8.accumulate).
inline acc_t acc_add(acc_t acc, int32_t addend) {
#ifdef SYSTOLE_AP_TYPES
    ap_fixed<SYSTOLE_ACC_BITS, SYSTOLE_ACC_BITS, AP_TRN, SYSTOLE_INT8_ACC_SATURATE ? AP_SAT : AP_WRAP> sum =
            ap_int<34>(acc) + ap_int<34>(addend);
    return (acc_t)ap_raw(sum);
#else
    return int8_accumulate(SYSTOLE_ACC_BITS, SYSTOLE_INT8_ACC_SATURATE, acc, addend);
#endif
}

// The value a padded input position holds: the input zero point, so its product is 0.
template <class L> inline data_t pad_value() { return (data_t)L::input_zero_point; }

// One PE: the partial sum plus (x - zero point) * w.
template <class L> inline acc_t pe_mac(acc_t partial, data_t x, data_t w) {
    return acc_add(partial, int8_product(x, L::input_zero_point, w));
}

// A fold's partial sum joining its accumulator.
inline acc_t fold_add(acc_t acc, acc_t partial) {
    return acc_add(acc, partial);
}

// Output channel o: bias, requantization, ReLU in the clamp (io.systole.sim.Operands.Int8Layer.finish).
template <class L> inline data_t finish(acc_t acc, int o) {
    int32_t sum = acc_add(acc, L::bias[o]);
    int32_t lo = activation_min(L::output_zero_point, L::relu);
#if SYSTOLE_INT8_REQUANT_FLOAT
    return requantize_float(sum, L::scale[o], L::output_zero_point, lo, QMAX);
#else
    return requantize(sum, L::multiplier[o], L::shift[o], L::output_zero_point, lo, QMAX);
#endif
}

// Average pooling: the int sum of the window's values, then one rounding division (Pooling.avgInt8).
inline acc_t pool_sum(acc_t sum, data_t v) {
    return sum + v;
}
inline data_t pool_divide(acc_t sum, int count) {
    return (data_t)int8_pool_divide(sum, count);
}

#elif SYSTOLE_FORMAT_FIXED
const FixedFormat DATA_FORMAT = {SYSTOLE_DATA_W, SYSTOLE_DATA_I, (Rounding)SYSTOLE_DATA_Q, (Overflow)SYSTOLE_DATA_O};
const FixedFormat ACC_FORMAT = {SYSTOLE_ACC_W, SYSTOLE_ACC_I, (Rounding)SYSTOLE_ACC_Q, (Overflow)SYSTOLE_ACC_O};
const int PRODUCT_FRAC_BITS = 2 * (SYSTOLE_DATA_W - SYSTOLE_DATA_I);

#ifdef SYSTOLE_AP_TYPES
typedef ap_int<SYSTOLE_DATA_W> data_t; // raw fixed-point activation or weight
typedef ap_int<SYSTOLE_ACC_W> acc_t;   // raw accumulator value
typedef ap_fixed<SYSTOLE_DATA_W, SYSTOLE_DATA_I, AP_ROUNDING[SYSTOLE_DATA_Q], AP_OVERFLOW[SYSTOLE_DATA_O]> data_fx;
typedef ap_fixed<SYSTOLE_ACC_W, SYSTOLE_ACC_I, AP_ROUNDING[SYSTOLE_ACC_Q], AP_OVERFLOW[SYSTOLE_ACC_O]> acc_fx;
#else
#if SYSTOLE_DATA_W <= 8
typedef int8_t data_t;
#elif SYSTOLE_DATA_W <= 16
typedef int16_t data_t;
#else
typedef int32_t data_t;
#endif
typedef int64_t acc_t;
#endif

template <class L> inline data_t pad_value() { return 0; }

// One PE: the exact product converted into the accumulator format and added (FixedMac.accumulate).
template <class L> inline acc_t pe_mac(acc_t partial, data_t x, data_t w) {
#ifdef SYSTOLE_AP_TYPES
    acc_fx product = ap_from_raw<data_fx>(x) * ap_from_raw<data_fx>(w);
    acc_fx sum = ap_from_raw<acc_fx>(partial) + product;
    return (acc_t)ap_raw(sum);
#else
    return fixed_accumulate(ACC_FORMAT, partial, fixed_multiply(x, w), PRODUCT_FRAC_BITS);
#endif
}

// A fold's partial sum joining its accumulator (FixedMac.add).
inline acc_t fold_add(acc_t acc, acc_t partial) {
#ifdef SYSTOLE_AP_TYPES
    acc_fx sum = ap_from_raw<acc_fx>(acc) + ap_from_raw<acc_fx>(partial);
    return (acc_t)ap_raw(sum);
#else
    return fixed_add(ACC_FORMAT, acc, partial);
#endif
}

// Output channel o: bias in the accumulator format, conversion to the data format, ReLU (FixedMac.finish).
template <class L> inline data_t finish(acc_t acc, int o) {
#ifdef SYSTOLE_AP_TYPES
    acc_fx sum = ap_from_raw<acc_fx>(acc) + ap_from_raw<acc_fx>(L::bias[o]);
    data_fx out = sum;
    int64_t raw = ap_raw(out);
    return (data_t)(L::relu ? fixed_relu(raw) : raw);
#else
    return (data_t)fixed_finish(ACC_FORMAT, DATA_FORMAT, acc, L::bias[o], L::relu);
#endif
}

// Average pooling: each value enters the sum in the accumulator format (Pooling.avgFixed), then
// one division rounded by the data format's mode, then its overflow mode.
inline acc_t pool_sum(acc_t sum, data_t v) {
#ifdef SYSTOLE_AP_TYPES
    acc_fx s = ap_from_raw<acc_fx>(sum) + acc_fx(ap_from_raw<data_fx>(v));
    return (acc_t)ap_raw(s);
#else
    return fixed_accumulate(ACC_FORMAT, sum, v, DATA_FORMAT.frac_bits());
#endif
}
inline data_t pool_divide(acc_t sum, int count) {
    return (data_t)fixed_pool_divide(ACC_FORMAT, DATA_FORMAT, sum, count);
}
#else
#error "params.h selects no format the HLS export supports (int8 or fixed)"
#endif

// ---- the implicit GEMM mapping (io.systole.sim.ImplicitGemm) ----

// Where X[m][k] of group g lives in the input, or -1 on padding.
template <class L> inline int input_index(int g, int m, int k) {
    int ci = k / (L::kh * L::kw);
    int ky = k / L::kw % L::kh;
    int kx = k % L::kw;
    int iy = m / L::out_w % L::out_h * L::sh - L::ph + ky * L::dh;
    int ix = m % L::out_w * L::sw - L::pw + kx * L::dw;
    if (iy < 0 || iy >= L::in_h || ix < 0 || ix >= L::in_w) {
        return -1;
    }
    int b = m / (L::out_h * L::out_w);
    return ((b * L::in_c + g * (L::in_c / L::groups) + ci) * L::in_h + iy) * L::in_w + ix;
}

// Where output (position m, channel o) lives in the output.
template <class L> inline int output_index(int m, int o) {
    int hw = L::out_h * L::out_w;
    return (m / hw * L::out_c + o) * hw + m % hw;
}

template <class L> inline data_t activation(const data_t* in, int idx) {
    return idx < 0 ? pad_value<L>() : in[idx];
}

// ---- weight-stationary ----

// Positions per chunk: rows of C accumulators the output scratchpad holds, at most M.
template <class L> constexpr int ws_chunk() {
    return L::m < SYSTOLE_ACC_ROWS ? L::m : SYSTOLE_ACC_ROWS;
}

// The streaming phase of one fold: mc positions through r rows and c columns. In cycle t the
// left edge of row i receives the tile's position t - i (the input skew registers delay row i
// by i cycles); PE (i, j) multiplies its stationary weight with the activation arriving from the
// left and adds the partial sum PE (i-1, j) registered in cycle t-1 (row 0 starts from zero);
// rows below r pass partial sums through; the accumulator of column j adds what the bottom row
// registered in cycle t-1. Registers update at the end of the cycle (the loops run from the
// bottom-right PE so each reads its neighbours' old values).
template <class L>
void ws_stream(const data_t xt[][R], const data_t w[R][C], acc_t* acc, int mc, int r, int c, bool first) {
    static data_t act[R][C];      // activation registers, moving right
    static bool act_valid[R][C];
    static acc_t partial[R][C];   // partial-sum registers, moving down
    static bool partial_valid[R][C];
    static data_t skew[R][R];     // row i: i delay registers between the edge and PE (i, 0)
    static bool skew_valid[R][R];
    static int captured[C];       // positions each column's accumulator has taken
#pragma HLS ARRAY_PARTITION variable=act complete dim=0
#pragma HLS ARRAY_PARTITION variable=act_valid complete dim=0
#pragma HLS ARRAY_PARTITION variable=partial complete dim=0
#pragma HLS ARRAY_PARTITION variable=partial_valid complete dim=0
#pragma HLS ARRAY_PARTITION variable=skew complete dim=0
#pragma HLS ARRAY_PARTITION variable=skew_valid complete dim=0
#pragma HLS ARRAY_PARTITION variable=captured complete
    for (int i = 0; i < R; i++) {
        for (int j = 0; j < C; j++) {
            act_valid[i][j] = false;
            partial_valid[i][j] = false;
        }
        for (int d = 0; d < R; d++) {
            skew_valid[i][d] = false;
        }
    }
    for (int j = 0; j < C; j++) {
        captured[j] = 0;
    }
    int cycles = mc + R + c - 1;
stream:
    for (int t = 0; t < cycles; t++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=1 max=SYSTOLE_ACC_ROWS
        for (int j = 0; j < C; j++) {
#pragma HLS UNROLL
            if (j < c && partial_valid[R - 1][j]) {
                int a = captured[j]++ * C + j;
                acc[a] = fold_add(first ? acc_t(0) : acc[a], partial[R - 1][j]);
            }
        }
        data_t edge[R];
        bool edge_valid[R];
        for (int i = 0; i < R; i++) {
#pragma HLS UNROLL
            bool in_tile = i < r && t < mc;
            data_t x = in_tile ? xt[t][i] : data_t(0);
            if (i == 0) {
                edge[i] = x;
                edge_valid[i] = in_tile;
            } else {
                edge[i] = skew[i][i - 1];
                edge_valid[i] = skew_valid[i][i - 1];
                for (int d = i - 1; d >= 1; d--) {
                    skew[i][d] = skew[i][d - 1];
                    skew_valid[i][d] = skew_valid[i][d - 1];
                }
                skew[i][0] = x;
                skew_valid[i][0] = in_tile;
            }
        }
        for (int i = R - 1; i >= 0; i--) {
#pragma HLS UNROLL
            for (int j = C - 1; j >= 0; j--) {
#pragma HLS UNROLL
                data_t a = j == 0 ? edge[i] : act[i][j - 1];
                bool av = j == 0 ? edge_valid[i] : act_valid[i][j - 1];
                acc_t above = i == 0 ? acc_t(0) : partial[i - 1][j];
                bool above_valid = i == 0 ? av : partial_valid[i - 1][j];
                act[i][j] = a;
                act_valid[i][j] = av && j < c; // columns beyond the fold are gated off
                if (j >= c) {
                    partial_valid[i][j] = false;
                } else if (i >= r) {
                    partial[i][j] = above;
                    partial_valid[i][j] = above_valid;
                } else if (av) {
                    partial[i][j] = pe_mac<L>(above, a, w[i][j]);
                    partial_valid[i][j] = true;
                } else {
                    partial_valid[i][j] = false;
                }
            }
        }
    }
}

// A layer on the weight-stationary array. Per group, per chunk of positions, per tile of C output
// channels, per tile of R reduction indices: load the fold's weights into the top r rows, gather
// the fold's input tile (im2col), stream it; after the last reduction tile, the output step.
template <class L>
void gemm_ws(const data_t* in, data_t* out, const data_t* weight) {
    constexpr int MT = ws_chunk<L>();
    static acc_t acc[MT * C];  // the output scratchpad: accumulators [position][column]
    static data_t xt[MT][R];   // the fold's input tile: [position][row]
    static data_t w[R][C];     // stationary weight registers
#pragma HLS ARRAY_PARTITION variable=acc cyclic factor=SYSTOLE_COLS
#pragma HLS ARRAY_PARTITION variable=xt complete dim=2
#pragma HLS ARRAY_PARTITION variable=w complete dim=0
    for (int g = 0; g < L::groups; g++) {
        for (int m0 = 0; m0 < L::m; m0 += MT) {
            int mc = L::m - m0 < MT ? L::m - m0 : MT;
            for (int n0 = 0; n0 < L::n; n0 += C) {
                int c = L::n - n0 < C ? L::n - n0 : C;
                for (int k0 = 0; k0 < L::k; k0 += R) {
                    int r = L::k - k0 < R ? L::k - k0 : R;
                load_weights:
                    for (int i = 0; i < R; i++) {
                        for (int j = 0; j < C; j++) {
#pragma HLS PIPELINE II=1
                            int o = g * L::n + n0 + j;
                            w[i][j] = i < r && j < c ? weight[o * L::k + k0 + i] : data_t(0);
                        }
                    }
                gather_tile:
                    for (int m = 0; m < mc; m++) {
                        for (int i = 0; i < R; i++) {
#pragma HLS PIPELINE II=1
                            xt[m][i] = i < r ? activation<L>(in, input_index<L>(g, m0 + m, k0 + i)) : data_t(0);
                        }
                    }
                    ws_stream<L>(xt, w, acc, mc, r, c, k0 == 0);
                    if (k0 + r == L::k) {
                    write_outputs:
                        for (int m = 0; m < mc; m++) {
                            for (int j = 0; j < c; j++) {
#pragma HLS PIPELINE II=1
                                int o = g * L::n + n0 + j;
                                out[output_index<L>(m0 + m, o)] = finish<L>(acc[m * C + j], o);
                            }
                        }
                    }
                }
            }
        }
    }
}

// ---- output-stationary ----

// One fold: PE (i, j) owns output (m0 + i, n0 + j) and accumulates all K reduction indices. In
// cycle t row i receives X[m0 + i][t - i] from the left and column j receives W[t - j][n0 + j] from
// the top, through skew registers of i and j cycles, so PE (i, j) takes index k in cycle k + i + j.
// Then the finished outputs shift down the columns and leave at the bottom edge, R cycles.
template <class L>
void gemm_os(const data_t* in, data_t* out, const data_t* weight) {
    static data_t xt[L::k][R];   // the fold's inputs: [reduction index][row]
    static data_t wt[L::k][C];   // the fold's weights: [reduction index][column]
    static data_t act[R][C];
    static bool act_valid[R][C];
    static data_t wreg[R][C];    // weight registers, moving down
    static bool wreg_valid[R][C];
    static acc_t partial[R][C];  // the stationary accumulators
    static bool partial_valid[R][C];
    static data_t xskew[R][R];
    static bool xskew_valid[R][R];
    static data_t wskew[C][C];
    static bool wskew_valid[C][C];
#pragma HLS ARRAY_PARTITION variable=xt complete dim=2
#pragma HLS ARRAY_PARTITION variable=wt complete dim=2
#pragma HLS ARRAY_PARTITION variable=act complete dim=0
#pragma HLS ARRAY_PARTITION variable=act_valid complete dim=0
#pragma HLS ARRAY_PARTITION variable=wreg complete dim=0
#pragma HLS ARRAY_PARTITION variable=wreg_valid complete dim=0
#pragma HLS ARRAY_PARTITION variable=partial complete dim=0
#pragma HLS ARRAY_PARTITION variable=partial_valid complete dim=0
#pragma HLS ARRAY_PARTITION variable=xskew complete dim=0
#pragma HLS ARRAY_PARTITION variable=xskew_valid complete dim=0
#pragma HLS ARRAY_PARTITION variable=wskew complete dim=0
#pragma HLS ARRAY_PARTITION variable=wskew_valid complete dim=0
    for (int g = 0; g < L::groups; g++) {
        for (int n0 = 0; n0 < L::n; n0 += C) {
            int c = L::n - n0 < C ? L::n - n0 : C;
            for (int m0 = 0; m0 < L::m; m0 += R) {
                int r = L::m - m0 < R ? L::m - m0 : R;
            gather_tile:
                for (int kk = 0; kk < L::k; kk++) {
#pragma HLS PIPELINE II=1
                    for (int i = 0; i < R; i++) {
                        xt[kk][i] = i < r ? activation<L>(in, input_index<L>(g, m0 + i, kk)) : data_t(0);
                    }
                    for (int j = 0; j < C; j++) {
                        wt[kk][j] = j < c ? weight[(g * L::n + n0 + j) * L::k + kk] : data_t(0);
                    }
                }
                for (int i = 0; i < R; i++) {
                    for (int j = 0; j < C; j++) {
                        act_valid[i][j] = false;
                        wreg_valid[i][j] = false;
                        partial[i][j] = 0;
                        partial_valid[i][j] = i < r && j < c;
                    }
                    for (int d = 0; d < R; d++) {
                        xskew_valid[i][d] = false;
                    }
                }
                for (int j = 0; j < C; j++) {
                    for (int d = 0; d < C; d++) {
                        wskew_valid[j][d] = false;
                    }
                }
                int cycles = L::k + r + c - 2;
            stream:
                for (int t = 0; t < cycles; t++) {
#pragma HLS PIPELINE II=1
                    bool fresh = t < L::k;
                    data_t xedge[R];
                    bool xedge_valid[R];
                    for (int i = 0; i < R; i++) {
#pragma HLS UNROLL
                        bool v = fresh && i < r;
                        data_t x = v ? xt[t][i] : data_t(0);
                        if (i == 0) {
                            xedge[i] = x;
                            xedge_valid[i] = v;
                        } else {
                            xedge[i] = xskew[i][i - 1];
                            xedge_valid[i] = xskew_valid[i][i - 1];
                            for (int d = i - 1; d >= 1; d--) {
                                xskew[i][d] = xskew[i][d - 1];
                                xskew_valid[i][d] = xskew_valid[i][d - 1];
                            }
                            xskew[i][0] = x;
                            xskew_valid[i][0] = v;
                        }
                    }
                    data_t wedge[C];
                    bool wedge_valid[C];
                    for (int j = 0; j < C; j++) {
#pragma HLS UNROLL
                        bool v = fresh && j < c;
                        data_t x = v ? wt[t][j] : data_t(0);
                        if (j == 0) {
                            wedge[j] = x;
                            wedge_valid[j] = v;
                        } else {
                            wedge[j] = wskew[j][j - 1];
                            wedge_valid[j] = wskew_valid[j][j - 1];
                            for (int d = j - 1; d >= 1; d--) {
                                wskew[j][d] = wskew[j][d - 1];
                                wskew_valid[j][d] = wskew_valid[j][d - 1];
                            }
                            wskew[j][0] = x;
                            wskew_valid[j][0] = v;
                        }
                    }
                    for (int i = R - 1; i >= 0; i--) {
#pragma HLS UNROLL
                        for (int j = C - 1; j >= 0; j--) {
#pragma HLS UNROLL
                            data_t a = j == 0 ? xedge[i] : act[i][j - 1];
                            bool av = j == 0 ? xedge_valid[i] : act_valid[i][j - 1];
                            data_t wv = i == 0 ? wedge[j] : wreg[i - 1][j];
                            bool wvalid = i == 0 ? wedge_valid[j] : wreg_valid[i - 1][j];
                            act[i][j] = a;
                            act_valid[i][j] = av;
                            wreg[i][j] = wv;
                            wreg_valid[i][j] = wvalid;
                            if (i < r && j < c && av && wvalid) {
                                partial[i][j] = pe_mac<L>(partial[i][j], a, wv);
                            }
                        }
                    }
                }
            drain:
                for (int d = 0; d < R; d++) {
#pragma HLS PIPELINE II=1
                    int row = R - 1 - d; // the row the leaving outputs were computed in
                    for (int j = 0; j < C; j++) {
                        if (partial_valid[R - 1][j]) {
                            int o = g * L::n + n0 + j;
                            out[output_index<L>(m0 + row, o)] = finish<L>(partial[R - 1][j], o);
                        }
                    }
                    for (int i = R - 1; i >= 1; i--) {
                        for (int j = 0; j < C; j++) {
                            partial[i][j] = partial[i - 1][j];
                            partial_valid[i][j] = partial_valid[i - 1][j];
                        }
                    }
                    for (int j = 0; j < C; j++) {
                        partial_valid[0][j] = false;
                    }
                }
            }
        }
    }
}

// A convolution or dense layer on the array, in the dataflow params.h selects.
template <class L>
void gemm(const data_t* in, data_t* out, const data_t* weight) {
#if SYSTOLE_DATAFLOW_WS
    gemm_ws<L>(in, out, weight);
#else
    gemm_os<L>(in, out, weight);
#endif
}

// ---- the pooling unit ----

// A pooling layer P (the geometry fields of a layer with groups = in_c = out_c, plus average,
// count_include_pad and, for int8, input_zero_point). LANES lanes take one channel each and read
// one window element per cycle in lockstep; a window is visited row by row. Max takes only
// positions inside the input; average takes every position (padding as the format's zero) when
// count_include_pad, else the inside ones, sums them in order and divides once by their count.
template <class P>
void pool(const data_t* in, data_t* out) {
    const int WINDOW = P::kh * P::kw;
    for (int c0 = 0; c0 < P::in_c; c0 += LANES) {
        for (int m = 0; m < P::m; m++) {
            acc_t sum[LANES];
            data_t best[LANES];
            int count[LANES];
#pragma HLS ARRAY_PARTITION variable=sum complete
#pragma HLS ARRAY_PARTITION variable=best complete
#pragma HLS ARRAY_PARTITION variable=count complete
            for (int l = 0; l < LANES; l++) {
#pragma HLS UNROLL
                sum[l] = 0;
                best[l] = 0;
                count[l] = 0;
            }
        window:
            for (int e = 0; e < WINDOW; e++) {
#pragma HLS PIPELINE II=1
                for (int l = 0; l < LANES; l++) {
#pragma HLS UNROLL
                    int ch = c0 + l;
                    if (ch >= P::in_c) {
                        continue;
                    }
                    int idx = input_index<P>(ch, m, e);
                    if (idx < 0 && !(P::average && P::count_include_pad)) {
                        continue;
                    }
                    data_t v = activation<P>(in, idx);
                    if (P::average) {
                        sum[l] = pool_sum(sum[l], v);
                    } else {
                        best[l] = count[l] == 0 || v > best[l] ? v : best[l];
                    }
                    count[l]++;
                }
            }
            for (int l = 0; l < LANES; l++) {
#pragma HLS UNROLL
                int ch = c0 + l;
                if (ch >= P::in_c) {
                    continue;
                }
                if (P::average) {
                    out[output_index<P>(m, ch)] = pool_divide(sum[l], count[l]);
                } else {
                    out[output_index<P>(m, ch)] = best[l];
                }
            }
        }
    }
}

} // namespace systole

#endif
