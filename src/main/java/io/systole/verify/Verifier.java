package io.systole.verify;

import io.systole.model.Network;
import io.systole.tensor.DType;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Compares every node's output of a run with the simulator's, exactly. */
public final class Verifier {
    private Verifier() {
    }

    /**
     * One node's comparison: null mismatch when equal. A node the device fused into a kernel
     * with its neighbours is not materialized there and is not compared; its error would show in
     * the fused kernel's output.
     */
    public record NodeResult(String node, long elements, boolean materialized, Mismatch mismatch) {
        public boolean equal() {
            return mismatch == null;
        }
    }

    /** All nodes' results in network order. */
    public record Result(List<NodeResult> nodes) {
        public boolean passed() {
            return nodes.stream().allMatch(NodeResult::equal);
        }

        /** The first node that differs, or null. */
        public Mismatch first() {
            return nodes.stream().filter(n -> !n.equal()).map(NodeResult::mismatch).findFirst().orElse(null);
        }
    }

    /**
     * Compares {@code actual} with {@code expected} (both by node name) for every node of the
     * network. A node missing from {@code expected} is an error naming it; one missing from
     * {@code actual} was fused on the device and is reported as not materialized. The network's
     * output must be present.
     */
    public static Result compare(Network net, Map<String, Tensor> expected, Map<String, Tensor> actual) {
        List<NodeResult> out = new ArrayList<>();
        for (Network.Node n : net.nodes()) {
            Tensor e = expected.get(n.name());
            Tensor a = actual.get(n.name());
            if (e == null || (a == null && n == net.nodes().getLast())) {
                throw new IllegalArgumentException("no output of node '" + n.name() + "' in the "
                        + (e == null ? "simulator's" : "device's") + " run");
            }
            out.add(new NodeResult(n.name(), e.size(), a != null, a == null ? null : compare(n.name(), e, a)));
        }
        return new Result(out);
    }

    /** The first mismatch between two tensors of one node, or null when they are bit-identical. */
    public static Mismatch compare(String node, Tensor expected, Tensor actual) {
        if (expected.dtype() != actual.dtype() || !Arrays.equals(expected.shape(), actual.shape())) {
            throw new IllegalArgumentException("node '" + node + "': expected " + expected.dtype() + " "
                    + Arrays.toString(expected.shape()) + ", got " + actual.dtype() + " " + Arrays.toString(actual.shape()));
        }
        int first = -1;
        long count = 0;
        for (int i = 0; i < expected.size(); i++) {
            if (!same(expected, actual, i)) {
                count++;
                first = first < 0 ? i : first;
            }
        }
        if (first < 0) {
            return null;
        }
        int[] s = expected.shape();
        int c = s.length > 1 ? s[1] : 1;
        int h = s.length > 3 ? s[2] : 1;
        int w = s.length > 3 ? s[3] : 1;
        int per = c * h * w;
        long ulps = expected.dtype() == DType.F32 ? ulps(expected.floats()[first], actual.floats()[first]) : 0;
        return new Mismatch(node, first, first / per, first % per / (h * w), first % (h * w) / w, first % w,
                expected.get(first), actual.get(first), ulps, count, expected.size());
    }

    private static boolean same(Tensor a, Tensor b, int i) {
        return a.dtype() == DType.F32
                ? Float.floatToRawIntBits(a.floats()[i]) == Float.floatToRawIntBits(b.floats()[i])
                : a.get(i) == b.get(i);
    }

    /**
     * Distance in units in the last place between two floats: how many representable floats lie
     * between them (+0 and -0 are 1 apart; any NaN is {@link Long#MAX_VALUE} away).
     */
    public static long ulps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b) ? 0 : Long.MAX_VALUE;
        }
        return Math.abs(ordered(a) - ordered(b));
    }

    /** Maps float bits onto a line where adjacent floats are adjacent integers. */
    private static long ordered(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits < 0 ? -(long) (bits & 0x7fffffff) - 1 : bits;
    }
}
