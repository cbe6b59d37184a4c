package io.systole.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.ref.ReferenceEngine;
import io.systole.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VerifierTest {

    private static Map<String, Tensor> copy(Map<String, Tensor> m) {
        Map<String, Tensor> c = new HashMap<>();
        m.forEach((k, v) -> c.put(k, Tensor.of(v.floats().clone(), v.shape())));
        return c;
    }

    @Test
    void plantedSingleBitFaultsAreNamedExactly() {
        Network net = Zoo.get("tiny");
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[3 * 3 * 9 * 9];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        Map<String, Tensor> golden = ReferenceEngine.forwardAll(net, Tensor.of(x, 3, 3, 9, 9));
        assertTrue(Verifier.compare(net, golden, copy(golden)).passed());
        for (int trial = 0; trial < 50; trial++) {
            Network.Node node = net.nodes().get(r.nextInt(net.nodes().size()));
            Map<String, Tensor> faulty = copy(golden);
            Tensor t = faulty.get(node.name());
            int i = r.nextInt(t.size());
            int bit = r.nextInt(32);
            t.floats()[i] = Float.intBitsToFloat(Float.floatToRawIntBits(t.floats()[i]) ^ (1 << bit));
            Verifier.Result res = Verifier.compare(net, golden, faulty);
            Mismatch m = res.first();
            assertEquals(node.name(), m.node());
            assertEquals(i, m.index());
            assertEquals(1, m.differing());
            int[] s = t.shape();
            if (s.length == 4) {
                assertEquals(i / (s[1] * s[2] * s[3]), m.batch());
                assertEquals(i / (s[2] * s[3]) % s[1], m.channel());
                assertEquals(i / s[3] % s[2], m.row());
                assertEquals(i % s[3], m.column());
            } else {
                assertEquals(i / s[1], m.batch());
                assertEquals(i % s[1], m.channel());
            }
            assertEquals(golden.get(node.name()).floats()[i], (float) m.expected());
            assertTrue(m.toString().contains("layer " + node.name()));
        }
    }

    @Test
    void ulpDistance() {
        assertEquals(0, Verifier.ulps(1f, 1f));
        assertEquals(1, Verifier.ulps(1f, Math.nextUp(1f)));
        assertEquals(1, Verifier.ulps(0f, -0f));
        assertEquals(2, Verifier.ulps(Float.MIN_VALUE, -Float.MIN_VALUE) - 1);
        assertEquals(Long.MAX_VALUE, Verifier.ulps(Float.NaN, 1f));
    }

    @Test
    void integerTensorsCompareExactly() {
        Tensor a = Tensor.of(new byte[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor b = Tensor.of(new byte[] {1, 2, 3, 5}, 1, 1, 2, 2);
        assertNull(Verifier.compare("q", a, a));
        Mismatch m = Verifier.compare("q", a, b);
        assertEquals(1, m.row());
        assertEquals(1, m.column());
        assertEquals(0, m.ulps());
        assertEquals(5.0, m.actual());
    }
}
