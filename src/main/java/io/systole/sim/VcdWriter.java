package io.systole.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes the PE array's registers as a Value Change Dump (IEEE 1364), which GTKWave and other
 * waveform viewers open. One time step per array cycle, {@code round(10^6 / clockMhz)} ps long.
 * Scope {@code array} holds {@code fold} (32 bits), {@code phase} (2 bits: 0 load, 1 stream,
 * 2 drain) and one scope {@code pe_I_J} per PE with {@code w}, {@code x} (data bits),
 * {@code p} (partial-sum bits) and their valid bits {@code w_v}, {@code x_v}, {@code p_v}.
 * Values are the registers' raw bits (float32 as its IEEE bits, integers in two's complement).
 * Only changes are written after the first dump. One writer records one layer.
 */
public final class VcdWriter implements ArrayProbe {
    private static final int SIGNALS_PER_PE = 6;

    private final Writer out;
    private int rows;
    private int cols;
    private int dataBits;
    private int partialBits;
    private long periodPs;
    private long[] last;
    private boolean first = true;

    /** Writes to {@code out}; the caller closes it after {@link #end}. */
    public VcdWriter(Writer out) {
        this.out = out;
    }

    /** The identifier of signal number i: base-94 digits of printable ASCII. */
    static String id(int i) {
        StringBuilder sb = new StringBuilder();
        int v = i;
        do {
            sb.append((char) ('!' + v % 94));
            v = v / 94;
        } while (v > 0);
        return sb.toString();
    }

    private void write(String s) {
        try {
            out.write(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void begin(ArrayConfig cfg, String layer, int data, int partial) {
        this.rows = cfg.rows();
        this.cols = cfg.cols();
        this.dataBits = data;
        this.partialBits = partial;
        this.periodPs = Math.max(1, Math.round(1e6 / cfg.clockMhz()));
        this.last = new long[2 + rows * cols * SIGNALS_PER_PE];
        StringBuilder sb = new StringBuilder();
        sb.append("$comment systole PE-level simulation of layer ").append(layer).append(" on ").append(cfg)
                .append(" $end\n");
        sb.append("$version systole sim $end\n");
        sb.append("$timescale 1ps $end\n");
        sb.append("$scope module array $end\n");
        sb.append("$var wire 32 ").append(id(0)).append(" fold $end\n");
        sb.append("$var wire 2 ").append(id(1)).append(" phase $end\n");
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int base = signal(i, j);
                sb.append("$scope module pe_").append(i).append('_').append(j).append(" $end\n");
                String[] names = {"w", "w_v", "x", "x_v", "p", "p_v"};
                int[] widths = {dataBits, 1, dataBits, 1, partialBits, 1};
                for (int s = 0; s < SIGNALS_PER_PE; s++) {
                    sb.append("$var wire ").append(widths[s]).append(' ').append(id(base + s)).append(' ')
                            .append(names[s]).append(" $end\n");
                }
                sb.append("$upscope $end\n");
            }
        }
        sb.append("$upscope $end\n$enddefinitions $end\n");
        write(sb.toString());
    }

    private int signal(int i, int j) {
        return 2 + (i * cols + j) * SIGNALS_PER_PE;
    }

    private void value(StringBuilder sb, int signal, long v, int width) {
        long masked = width == 64 ? v : v & ((1L << width) - 1);
        if (!first && last[signal] == masked) {
            return;
        }
        last[signal] = masked;
        if (width == 1) {
            sb.append(masked).append(id(signal)).append('\n');
        } else {
            sb.append('b').append(Long.toBinaryString(masked)).append(' ').append(id(signal)).append('\n');
        }
    }

    @Override
    public void cycle(long cycle, int fold, Phase phase, PeRegisters regs) {
        StringBuilder sb = new StringBuilder();
        sb.append('#').append(cycle * periodPs).append('\n');
        if (first) {
            sb.append("$dumpvars\n");
        }
        value(sb, 0, fold, 32);
        value(sb, 1, phase.ordinal(), 2);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int s = signal(i, j);
                value(sb, s, regs.weight(i, j), dataBits);
                value(sb, s + 1, regs.weightValid(i, j) ? 1 : 0, 1);
                value(sb, s + 2, regs.activation(i, j), dataBits);
                value(sb, s + 3, regs.activationValid(i, j) ? 1 : 0, 1);
                value(sb, s + 4, regs.partial(i, j), partialBits);
                value(sb, s + 5, regs.partialValid(i, j) ? 1 : 0, 1);
            }
        }
        if (first) {
            sb.append("$end\n");
            first = false;
        }
        write(sb.toString());
    }

    @Override
    public void end(long cycles) {
        write("#" + cycles * periodPs + "\n");
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
