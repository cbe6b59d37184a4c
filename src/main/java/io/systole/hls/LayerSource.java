package io.systole.hls;

import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.tensor.Tensor;
import java.util.Locale;

/**
 * The C++ of one exported layer: its header {@code layer_ID.h} (the geometry as compile-time
 * constants, the weights unless they are large, the bias and requantization constants), its
 * top function, and its test-bench case. ID is the layer name as a C identifier.
 */
final class LayerSource {
    private final ArrayConfig cfg;
    private final HlsLayer layer;
    private final String id;
    private final boolean weightsInHeader;

    /**
     * @param weightsInHeader whether the weights are compiled into the top function (else the top
     *                        takes them through an AXI master port and the project ships them as a file)
     */
    LayerSource(ArrayConfig cfg, HlsLayer layer, boolean weightsInHeader) {
        this.cfg = cfg;
        this.layer = layer;
        this.id = CppText.identifier(layer.name());
        this.weightsInHeader = weightsInHeader;
    }

    String id() {
        return id;
    }

    String headerFile() {
        return "layer_" + id + ".h";
    }

    String inputFile() {
        return "data/" + id + ".input.npy";
    }

    String goldenFile() {
        return "data/" + id + ".golden.npy";
    }

    String weightFile() {
        return "data/" + id + ".weight.npy";
    }

    /** Whether the weights travel as a file and an AXI port. */
    boolean weightsInFile() {
        return layer instanceof HlsLayer.Gemm && !weightsInHeader;
    }

    String topName() {
        return id + "_top";
    }

    /** The layer header; {@code firstLine} is the generated-by line. */
    String header(String firstLine) {
        ImplicitGemm g = layer.geometry();
        StringBuilder h = new StringBuilder(firstLine);
        String guard = "SYSTOLE_LAYER_" + id.toUpperCase(Locale.ROOT) + "_H";
        h.append("#ifndef ").append(guard).append("\n#define ").append(guard).append("\n\n");
        h.append("#include \"systole_array.h\"\n\n");
        h.append("// ").append(describe()).append('\n');
        switch (layer) {
            case HlsLayer.Gemm gemm -> gemmConstants(h, gemm);
            case HlsLayer.Pool pool -> {
                h.append("struct ").append(id).append("_layer {\n");
                geometry(h, g);
                h.append("    static constexpr bool average = ").append(pool.average()).append(";\n");
                h.append("    static constexpr bool count_include_pad = ").append(pool.countIncludePad()).append(";\n");
                if (cfg.format() instanceof Int8Format) {
                    h.append("    static constexpr int32_t input_zero_point = ").append(pool.zeroPoint()).append(";\n");
                }
                h.append("};\n");
            }
        }
        return h.append("\n#endif\n").toString();
    }

    /** One line saying what the layer is. */
    String describe() {
        ImplicitGemm g = layer.geometry();
        var w = g.window();
        String what = switch (layer) {
            case HlsLayer.Gemm x -> "array layer";
            case HlsLayer.Pool p -> p.average() ? "average pooling" : "max pooling";
        };
        return String.format(Locale.ROOT, "%s: %s, batch %d, %dx%dx%d -> %dx%dx%d, kernel %dx%d, stride %dx%d,"
                        + " padding %dx%d, dilation %dx%d, groups %d; implicit GEMM M = %d, K = %d, N = %d",
                CppText.oneLine(layer.name()), what, g.batch(), g.inC(), g.inH(), g.inW(), g.outC(), g.outH(),
                g.outW(), w.kh(), w.kw(), w.sh(), w.sw(), w.ph(), w.pw(), w.dh(), w.dw(), g.groups(), g.m(), g.k(),
                g.n());
    }

    private void gemmConstants(StringBuilder h, HlsLayer.Gemm gemm) {
        ImplicitGemm g = gemm.layer().gemm();
        int oc = g.outC();
        String ns = id + "_data";
        h.append("namespace ").append(ns).append(" {\n");
        switch (gemm.layer().operands()) {
            case Operands.Int8Layer op -> {
                if (weightsInHeader) {
                    h.append("// weights (outC, inC/groups, kH, kW), int8\n");
                    h.append(CppText.array("systole::data_t", "weight", op.weight().length,
                            i -> Integer.toString(op.weight()[i])));
                }
                h.append("// bias (outC), int32 in units of input scale * weight scale\n");
                h.append(CppText.array("systole::acc_t", "bias", oc,
                        o -> CppText.int32(op.bias() == null ? 0 : op.bias()[o])));
                if (op.multipliers() != null) {
                    h.append("// requantization (outC): Q31 multiplier and shift, real = multiplier * 2^(shift - 31)\n");
                    h.append(CppText.array("int32_t", "multiplier", oc, o -> CppText.int32(op.multipliers()[o].multiplier())));
                    h.append(CppText.array("int32_t", "shift", oc, o -> Integer.toString(op.multipliers()[o].shift())));
                } else {
                    h.append("// requantization (outC): float32 scale\n");
                    h.append(CppText.array("float", "scale", oc, o -> CppText.float32(op.scales()[o])));
                }
            }
            case Operands.FixedLayer op -> {
                if (weightsInHeader) {
                    h.append("// weights (outC, inC/groups, kH, kW), raw ").append(cfg.format().name()).append('\n');
                    h.append(CppText.array("systole::data_t", "weight", op.weight().length,
                            i -> Integer.toString(op.weight()[i])));
                }
                h.append("// bias (outC), raw ").append(cfg.accumulatorFormat().name()).append('\n');
                h.append(CppText.array("systole::acc_t", "bias", oc,
                        o -> CppText.int64(op.bias() == null ? 0 : op.bias()[o])));
            }
            case Operands.F32Layer op -> throw new IllegalArgumentException(
                    HlsProject.F32_REFUSED.formatted(cfg.name()));
        }
        h.append("} // namespace ").append(ns).append("\n\n");
        h.append("struct ").append(id).append("_layer {\n");
        geometry(h, g);
        switch (gemm.layer().operands()) {
            case Operands.Int8Layer op -> {
                h.append("    static constexpr bool relu = ").append(op.relu()).append(";\n");
                h.append("    static constexpr int32_t input_zero_point = ").append(op.inputZeroPoint()).append(";\n");
                h.append("    static constexpr int32_t output_zero_point = ").append(op.outputZeroPoint()).append(";\n");
                h.append("    static constexpr const systole::acc_t* bias = ").append(ns).append("::bias;\n");
                if (op.multipliers() != null) {
                    h.append("    static constexpr const int32_t* multiplier = ").append(ns).append("::multiplier;\n");
                    h.append("    static constexpr const int32_t* shift = ").append(ns).append("::shift;\n");
                } else {
                    h.append("    static constexpr const float* scale = ").append(ns).append("::scale;\n");
                }
            }
            case Operands.FixedLayer op -> {
                h.append("    static constexpr bool relu = ").append(op.relu()).append(";\n");
                h.append("    static constexpr const systole::acc_t* bias = ").append(ns).append("::bias;\n");
            }
            case Operands.F32Layer op -> throw new IllegalStateException("unreachable");
        }
        h.append("};\n");
    }

    private static void geometry(StringBuilder h, ImplicitGemm g) {
        var w = g.window();
        h.append(String.format(Locale.ROOT,
                "    static constexpr int batch = %d, in_c = %d, in_h = %d, in_w = %d, out_c = %d, groups = %d;\n"
                        + "    static constexpr int kh = %d, kw = %d, sh = %d, sw = %d, ph = %d, pw = %d, dh = %d, dw = %d;\n"
                        + "    static constexpr int out_h = %d, out_w = %d, m = %d, k = %d, n = %d;\n",
                g.batch(), g.inC(), g.inH(), g.inW(), g.outC(), g.groups(), w.kh(), w.kw(), w.sh(), w.sw(), w.ph(),
                w.pw(), w.dh(), w.dw(), g.outH(), g.outW(), g.m(), g.k(), g.n()));
    }

    private long inputElements() {
        return layer.geometry().inputElements();
    }

    private long outputElements() {
        return layer.geometry().outputElements();
    }

    private long weightElements() {
        return layer instanceof HlsLayer.Gemm ? layer.geometry().weightElements() : 0;
    }

    /** The top function's parameter list. */
    private String parameters() {
        String s = "const systole::data_t in[" + inputElements() + "], systole::data_t out[" + outputElements() + "]";
        return weightsInFile() ? s + ", const systole::data_t weight[" + weightElements() + "]" : s;
    }

    /** The top function's declaration. */
    String declaration() {
        return "// " + describe() + "\nvoid " + topName() + "(" + parameters() + ");\n";
    }

    /** The top function: AXI master ports for the tensors, AXI-Lite control, the array or the pooling unit. */
    String definition() {
        StringBuilder b = new StringBuilder();
        b.append("void ").append(topName()).append("(").append(parameters()).append(") {\n");
        b.append("#pragma HLS INTERFACE m_axi port=in offset=slave bundle=gmem0 depth=").append(inputElements()).append('\n');
        b.append("#pragma HLS INTERFACE m_axi port=out offset=slave bundle=gmem1 depth=").append(outputElements()).append('\n');
        if (weightsInFile()) {
            b.append("#pragma HLS INTERFACE m_axi port=weight offset=slave bundle=gmem2 depth=").append(weightElements())
                    .append('\n');
        }
        b.append("#pragma HLS INTERFACE s_axilite port=return\n");
        switch (layer) {
            case HlsLayer.Gemm x -> b.append("    systole::gemm<").append(id).append("_layer>(in, out, ")
                    .append(weightsInFile() ? "weight" : id + "_data::weight").append(");\n");
            case HlsLayer.Pool x -> b.append("    systole::pool<").append(id).append("_layer>(in, out);\n");
        }
        return b.append("}\n").toString();
    }

    /** The test bench's entry for this layer. */
    String testCase() {
        String call = switch (layer) {
            case HlsLayer.Gemm x -> topName() + (weightsInFile() ? "(in, out, w);" : "(in, out);");
            case HlsLayer.Pool x -> topName() + "(in, out);";
        };
        String wParam = weightsInFile() ? " w" : "";
        return String.format(Locale.ROOT, "    {%s, %s, %s, %s, %s, %d, %d, %d,\n"
                        + "     [](const systole::data_t* in, systole::data_t* out, const systole::data_t*%s) { %s }},\n",
                CppText.quoted(layer.name()), CppText.quoted(topName()), CppText.quoted(inputFile()),
                CppText.quoted(goldenFile()),
                weightsInFile() ? CppText.quoted(weightFile()) : "nullptr", inputElements(), outputElements(),
                weightElements(), wParam, call);
    }

    /** The weights as a tensor (outC, K) of the array's activation type, for the weight file. */
    Tensor weightTensor() {
        HlsLayer.Gemm gemm = (HlsLayer.Gemm) layer;
        int oc = gemm.layer().gemm().outC();
        int k = gemm.layer().gemm().k();
        return switch (gemm.layer().operands()) {
            case Operands.Int8Layer op -> Tensor.of(op.weight().clone(), oc, k);
            case Operands.FixedLayer op -> Tensor.of(op.weight().clone(), oc, k);
            case Operands.F32Layer op -> throw new IllegalArgumentException(HlsProject.F32_REFUSED.formatted(cfg.name()));
        };
    }

    /** Bytes of the weights in the array's element size. */
    static long weightBytes(HlsLayer layer, ArrayConfig cfg) {
        return layer instanceof HlsLayer.Gemm ? layer.geometry().weightElements() * cfg.elementBytes() : 0;
    }

    /** Bytes of the constants compiled into the top function: weights (if in the header), bias, requantization. */
    long constantBytes() {
        if (!(layer instanceof HlsLayer.Gemm)) {
            return 0;
        }
        int oc = layer.geometry().outC();
        long perChannel = cfg.accumulatorBytes() + (cfg.format() instanceof FixedFormat ? 0 : 8);
        return (weightsInHeader ? weightBytes(layer, cfg) : 0) + oc * perChannel;
    }
}
