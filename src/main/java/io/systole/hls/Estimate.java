package io.systole.hls;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.sim.ArrayConfig;
import io.systole.sim.Dataflow;
import io.systole.sim.LayerStats;
import io.systole.sim.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A resource and latency estimate of an exported array: not a synthesis result, a model stated
 * in {@link #MODEL} and labelled an estimate wherever it is shown.
 *
 * @param activationBits   the activation operand of one PE's multiplier, bits
 * @param weightBits       its weight operand, bits
 * @param dspPerMultiplier DSP blocks per multiplier
 * @param dspArray         DSP blocks of the R x C PEs
 * @param dspOutput        DSP blocks of the C output units (int8 requantization)
 * @param bram18           18 Kb block RAMs, all memories
 * @param memories         the memories behind {@link #bram18}
 * @param lut              look-up tables, rough
 * @param ff               flip-flops, rough
 * @param report           the simulator's cycles per exported layer (the latency)
 */
public record Estimate(int activationBits, int weightBits, int dspPerMultiplier, long dspArray, long dspOutput, long bram18,
        List<Memory> memories, long lut, long ff, Report report) {

    /** Bits of one 18 Kb block RAM. */
    public static final long BRAM18_BITS = 18 * 1024;
    /** Signed operand widths of one DSP block's multiplier (DSP48E2: 27 x 18). */
    public static final int DSP_A_BITS = 27;
    public static final int DSP_B_BITS = 18;

    /** The model, as written into estimate.json. */
    public static final String MODEL = "Estimate, not a synthesis result. DSP: one multiplier per PE of"
            + " ceil(a/27)*ceil(b/18) DSP48E2 blocks for operand widths a >= b (int8: 9-bit activation minus zero"
            + " point times 8-bit weight; fixed<W,...>: W x W), plus per column one 32x32 requantization multiplier"
            + " (int8 multiplier/shift: 4 blocks) or float32 multiplier (int8 float scale: 3 blocks); fixed-point"
            + " output steps and pooling use no DSP. BRAM: each memory split into the banks read in one cycle"
            + " (input scratchpad: R banks; weight and output scratchpads: C banks; constants compiled into the top"
            + " functions: one memory), each bank ceil(bits / 18 Kb) blocks of 18 Kb, two per 36 Kb block. LUT/FF"
            + " per PE: FF = activation (W+1) + weight (W, twice when double-buffered) + partial sum (A+1); LUT ="
            + " A for the adder, + A for rounding and saturation (fixed point, saturating int8), + W for the"
            + " operand multiplexers; skew registers (R(R-1)/2 activations, OS also C(C-1)/2 weights); pooling"
            + " lanes A LUT and A FF each; output units 200 LUT and 100 FF per column (int8) or 2A LUT (fixed);"
            + " control and three AXI masters 5,000 LUT and 6,500 FF. W = data bits, A = accumulator bits."
            + " Latency: the Java simulator's cycles (compute plus DRAM stalls) of each exported layer.";

    /** One memory of the design and its block RAMs. */
    public record Memory(String name, long bytes, int banks, long bram18) {
    }

    /**
     * The estimate for an array, the simulator's report of the exported layers, and the bytes of
     * constants compiled into the top functions.
     */
    public static Estimate of(ArrayConfig cfg, Report report, long constantBytes) {
        int w = switch (cfg.format()) {
            case FixedFormat f -> f.width();
            default -> 8;
        };
        int a = cfg.format() instanceof Int8Format ? 9 : w;
        int dsp = ceilDiv(Math.max(a, w), DSP_A_BITS) * ceilDiv(Math.min(a, w), DSP_B_BITS);
        long dspOutput = switch (cfg.format()) {
            case Int8Format f -> (long) cfg.cols() * (f.requantMode() == Int8Format.RequantMode.FLOAT_SCALE ? 3 : 4);
            default -> 0;
        };
        List<Memory> memories = new ArrayList<>();
        memories.add(memory("input scratchpad", cfg.inputSramBytes(), cfg.rows()));
        memories.add(memory("weight scratchpad", cfg.weightSramBytes(), cfg.cols()));
        memories.add(memory("output scratchpad", cfg.outputSramBytes(), cfg.cols()));
        if (constantBytes > 0) {
            memories.add(memory("compiled constants", constantBytes, 1));
        }
        long bram = memories.stream().mapToLong(Memory::bram18).sum();

        int acc = cfg.accumulatorBits();
        boolean rounds = cfg.format() instanceof FixedFormat
                || cfg.format() instanceof Int8Format f && f.accOverflow() == Int8Format.AccOverflow.SATURATE;
        boolean ws = cfg.dataflow() == Dataflow.WS;
        long pes = cfg.pes();
        long peFf = (w + 1) + (long) w * (ws && cfg.doubleBufferedWeights() ? 2 : 1) + (acc + 1);
        long peLut = acc + (rounds ? acc : 0) + w;
        long skewFf = (long) cfg.rows() * (cfg.rows() - 1) / 2 * (w + 1)
                + (ws ? 0 : (long) cfg.cols() * (cfg.cols() - 1) / 2 * (w + 1));
        long poolLut = (long) cfg.poolingLanes() * acc;
        long outLut = (long) cfg.cols() * (cfg.format() instanceof Int8Format ? 200 : 2L * acc);
        long outFf = cfg.format() instanceof Int8Format ? (long) cfg.cols() * 100 : 0;
        long lut = pes * peLut + poolLut + outLut + 5_000;
        long ff = pes * peFf + skewFf + poolLut + outFf + 6_500;
        return new Estimate(a, w, dsp, pes * dsp, dspOutput, bram, List.copyOf(memories), lut, ff, report);
    }

    private static Memory memory(String name, long bytes, int banks) {
        long perBank = (bytes * 8 + banks - 1) / banks;
        return new Memory(name, bytes, banks, banks * Math.max(1, (perBank + BRAM18_BITS - 1) / BRAM18_BITS));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** DSP blocks in all. */
    public long dsp() {
        return dspArray + dspOutput;
    }

    /** 36 Kb block RAMs: two 18 Kb blocks each. */
    public long bram36() {
        return (bram18 + 1) / 2;
    }

    /** Cycles of all exported layers, one after another. */
    public long cycles() {
        return report.total().cycles();
    }

    /** The estimate as JSON ({@code estimate.json}). */
    public ObjectNode toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        o.put("label", "estimate");
        o.put("model", MODEL);
        o.set("array", report.config().toJson());
        ObjectNode dsp = o.putObject("dsp");
        dsp.put("multiplier_bits", activationBits + "x" + weightBits);
        dsp.put("per_multiplier", dspPerMultiplier);
        dsp.put("array", dspArray);
        dsp.put("output_units", dspOutput);
        dsp.put("total", dsp());
        ObjectNode bram = o.putObject("bram");
        bram.put("bram18", bram18);
        bram.put("bram36", bram36());
        ArrayNode mems = bram.putArray("memories");
        for (Memory m : memories) {
            ObjectNode n = mems.addObject();
            n.put("name", m.name());
            n.put("bytes", m.bytes());
            n.put("banks", m.banks());
            n.put("bram18", m.bram18());
        }
        o.put("lut", lut);
        o.put("ff", ff);
        ObjectNode latency = o.putObject("latency");
        ArrayNode layers = latency.putArray("layers");
        for (LayerStats l : report.layers()) {
            ObjectNode n = layers.addObject();
            n.put("name", l.name());
            n.put("unit", l.unit().key());
            n.put("cycles", l.cycles());
            n.put("compute_cycles", l.computeCycles());
            n.put("stall_cycles", l.stallCycles());
            n.put("time_us", report.micros(l.cycles()));
        }
        latency.put("total_cycles", cycles());
        latency.put("time_us", report.micros(cycles()));
        latency.put("clock_mhz", report.config().clockMhz());
        return o;
    }

    /** {@link #toJson()} as indented text with a final newline. */
    public String toJsonText() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson()) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A few lines for the terminal, the first saying that this is an estimate. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append("resource and latency estimate (a model, not a synthesis result; see estimate.json):\n");
        b.append(String.format(Locale.ROOT, "  DSP   %,d (%d per %dx%d multiplier x %,d PEs + %,d in the output units)%n",
                dsp(), dspPerMultiplier, activationBits, weightBits, report.config().pes(), dspOutput));
        b.append(String.format(Locale.ROOT, "  BRAM  %,d x 18 Kb (%,d x 36 Kb)%n", bram18, bram36()));
        b.append(String.format(Locale.ROOT, "  LUT   ~%,d   FF ~%,d%n", lut, ff));
        for (LayerStats l : report.layers()) {
            b.append(String.format(Locale.ROOT, "  %-12s %,d cycles (%,d stalled)%n", l.name(), l.cycles(),
                    l.stallCycles()));
        }
        b.append(String.format(Locale.ROOT, "  latency %,d cycles = %.1f us at %.0f MHz (simulated)%n", cycles(),
                report.micros(cycles()), report.config().clockMhz()));
        return b.toString().replace(System.lineSeparator(), "\n");
    }
}
