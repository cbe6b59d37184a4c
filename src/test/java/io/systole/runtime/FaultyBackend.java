package io.systole.runtime;

import io.systole.arith.NumberFormat;
import io.systole.backend.Backend;
import io.systole.backend.Stage;
import io.systole.model.Layer;
import io.systole.model.Network;
import io.systole.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A device whose output of one node has one bit flipped (float32 bits, int8 or int32 values):
 * verification must name exactly that place. Everything else is the wrapped device's.
 */
public final class FaultyBackend implements Backend {
    private final Backend inner;
    private final String node;
    private final int index;
    private final int bit;

    /** Flips bit {@code bit} of element {@code index} (flat) of {@code node}'s output. */
    public FaultyBackend(Backend inner, String node, int index, int bit) {
        this.inner = inner;
        this.node = node;
        this.index = index;
        this.bit = bit;
    }

    /** The tensor with bit {@code bit} of element {@code i} flipped. */
    public static Tensor flip(Tensor t, int i, int bit) {
        return switch (t.dtype()) {
            case F32 -> {
                float[] f = t.floats().clone();
                f[i] = Float.intBitsToFloat(Float.floatToRawIntBits(f[i]) ^ (1 << bit));
                yield Tensor.of(f, t.shape());
            }
            case I8 -> {
                byte[] b = t.bytes().clone();
                b[i] ^= (byte) (1 << bit);
                yield Tensor.of(b, t.shape());
            }
            case I32 -> {
                int[] v = t.ints().clone();
                v[i] ^= 1 << bit;
                yield Tensor.of(v, t.shape());
            }
        };
    }

    @Override
    public StageResult run(Stage stage, Tensor input, Set<String> wanted) {
        StageResult r = inner.run(stage, input, wanted);
        Map<String, Tensor> out = new HashMap<>(r.outputs());
        Tensor t = out.get(node);
        if (t != null) {
            out.put(node, flip(t, index, bit));
        }
        return new StageResult(out, r.timings());
    }

    @Override
    public String description() {
        return "faulty " + inner.description();
    }

    @Override
    public double peakFlops() {
        return inner.peakFlops();
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public boolean accelerator() {
        return inner.accelerator();
    }

    @Override
    public boolean supports(Layer layer) {
        return inner.supports(layer);
    }

    @Override
    public boolean computes(NumberFormat format) {
        return inner.computes(format);
    }

    @Override
    public double computeSeconds(Network net, Network.Node n, int batch) {
        return inner.computeSeconds(net, n, batch);
    }

    @Override
    public double launchSeconds() {
        return inner.launchSeconds();
    }

    @Override
    public double linkBytesPerSecond() {
        return inner.linkBytesPerSecond();
    }

    @Override
    public void close() {
        inner.close();
    }
}
