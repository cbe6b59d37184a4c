package io.systole.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Layer;
import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.model.Pool2d;
import io.systole.ref.ReferenceEngine;
import io.systole.tensor.DType;
import io.systole.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The ONNX tests' one comparison helper: ONNX Runtime's CPU provider runs a model, the reference
 * engine runs the network, and the two must agree within {@link #TOLERANCE} of the output's
 * magnitude.
 *
 * <p>Why float32 cannot agree exactly: each convolution or dense output is a sum of K products,
 * and every float add rounds. The reference engine adds the products in reduction order (input
 * channel, kernel row, kernel column) with plain float adds; ONNX Runtime (MLAS) tiles the same
 * reduction into blocks, keeps several partial sums in vector registers, uses fused
 * multiply-adds and adds the partials in another order. Both are correct to within the usual
 * bound of about K * 2^-24 times the sum of |products|; the differences are of that size, far
 * below it in practice (rounding errors largely cancel), and they pass through later layers.
 * Pooling, ReLU, flatten and the layout are exact on both sides. So the comparison allows
 * {@code max |ours - ORT| <= TOLERANCE * max(|ORT|)}, per output tensor.
 */
final class OnnxTesting {
    /** Allowed difference relative to the largest output magnitude: 2^-16, about 1.5e-5. */
    static final double TOLERANCE = 0x1p-16;

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private OnnxTesting() {
    }

    /** Uniform values in [-1, 1) from a seed, shaped (n, ...network input). */
    static Tensor input(Network net, int n, long seed) {
        int[] shape = net.inputShape().batched(n);
        float[] x = new float[Math.toIntExact(Tensor.count(shape))];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return Tensor.of(x, shape);
    }

    /**
     * Runs a serialized model on one input with ONNX Runtime (CPU, one thread) and returns the
     * first output: float32 for a float32 input, int8 for an int8 input.
     *
     * <p>{@code session.qdqisint8allowed = 1} keeps QDQ int8 graphs in int8 when ONNX Runtime
     * fuses them into QLinearConv and QLinearMatMul. Without it, on x86-64 it first shifts int8
     * activations to uint8, and its AVX2 uint8 x int8 kernels (no VNNI) add pairs of products in
     * saturating 16-bit arithmetic, the saturation its documentation warns of: outputs of our
     * awkward QDQ networks then differ by up to 12 steps from the exact integer result. Plain
     * QLinearConv models with int8 inputs are exact either way.
     */
    static Tensor runOrt(byte[] model, Tensor x) {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            opts.addConfigEntry("session.qdqisint8allowed", "1");
            long[] shape = Arrays.stream(x.shape()).mapToLong(d -> d).toArray();
            try (OrtSession s = ENV.createSession(model, opts);
                    OnnxTensor in = x.dtype() == DType.I8
                            ? OnnxTensor.createTensor(ENV, ByteBuffer.wrap(x.bytes()), shape)
                            : OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x.floats()), shape);
                    OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), in))) {
                OnnxTensor out = (OnnxTensor) r.get(0);
                int[] dims = Arrays.stream(out.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
                if (x.dtype() == DType.I8) {
                    ByteBuffer bb = out.getByteBuffer();
                    byte[] y = new byte[bb.remaining()];
                    bb.get(y);
                    return Tensor.of(y, dims);
                }
                FloatBuffer fb = out.getFloatBuffer();
                float[] y = new float[fb.remaining()];
                fb.get(y);
                return Tensor.of(y, dims);
            }
        } catch (OrtException e) {
            throw new AssertionError("ONNX Runtime rejected the model: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code net} with the reference engine and {@code model} with ONNX Runtime on the same
     * seeded batch; asserts agreement and returns max |ours - ORT| / max |ORT|.
     */
    static double assertAgrees(String what, Network net, byte[] model, int batch, long seed) {
        Tensor x = input(net, batch, seed);
        float[] ours = ReferenceEngine.forward(net, x).floats();
        float[] ort = runOrt(model, x).floats();
        assertEquals(ours.length, ort.length, what + ": output sizes");
        double scale = 0;
        double worst = 0;
        int at = 0;
        for (int i = 0; i < ort.length; i++) {
            scale = Math.max(scale, Math.abs(ort[i]));
            double d = Math.abs((double) ours[i] - ort[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        double rel = scale == 0 ? worst : worst / scale;
        assertTrue(rel <= TOLERANCE, String.format("%s: max |ours - ORT| = %.3g at %d (ours %s, ORT %s) is %.3g of the"
                + " output magnitude %.3g; allowed %.3g", what, worst, at, ours[at], ort[at], rel, scale, TOLERANCE));
        return rel;
    }

    /** Exports, checks ONNX Runtime agrees, and checks import(export(net)) is net; returns the relative difference. */
    static double assertExportAgreesAndRoundTrips(String what, Network net, int batch, long seed) throws Exception {
        byte[] bytes = OnnxExport.toProto(net).toByteArray();
        double rel = assertAgrees(what, net, bytes, batch, seed);
        assertIdentical(net, OnnxImport.fromProto(OnnxProto.ModelProto.parseFrom(bytes), what));
        return rel;
    }

    /**
     * Same name and input, same nodes in order (names, inputs, output shapes, layer names, types
     * and configuration), the same layer applied at the same nodes, and the same parameters:
     * names, shapes, bits, and which layers share them.
     */
    static void assertIdentical(Network a, Network b) {
        assertEquals(a.name(), b.name());
        assertEquals(a.inputShape(), b.inputShape());
        assertEquals(a.nodes().size(), b.nodes().size(), "node count");
        Map<Layer, Integer> la = new IdentityHashMap<>();
        Map<Layer, Integer> lb = new IdentityHashMap<>();
        Map<Parameter, Integer> pa = new IdentityHashMap<>();
        Map<Parameter, Integer> pb = new IdentityHashMap<>();
        for (int i = 0; i < a.nodes().size(); i++) {
            Network.Node x = a.nodes().get(i);
            Network.Node y = b.nodes().get(i);
            String at = "node " + x.name();
            assertEquals(x.name(), y.name());
            assertEquals(x.inputs(), y.inputs(), at);
            assertEquals(x.output(), y.output(), at);
            assertEquals(x.layer().name(), y.layer().name(), at);
            assertEquals(config(x.layer()), config(y.layer()), at);
            assertEquals(la.computeIfAbsent(x.layer(), k -> la.size()), lb.computeIfAbsent(y.layer(), k -> lb.size()),
                    at + ": layer identity");
            List<Parameter> xp = x.layer().parameters();
            List<Parameter> yp = y.layer().parameters();
            assertEquals(xp.size(), yp.size(), at);
            for (int j = 0; j < xp.size(); j++) {
                Parameter p = xp.get(j);
                Parameter q = yp.get(j);
                assertEquals(pa.computeIfAbsent(p, k -> pa.size()), pb.computeIfAbsent(q, k -> pb.size()),
                        at + ": parameter sharing of " + p.name());
                assertEquals(p.name(), q.name(), at);
                assertArrayEquals(p.shape(), q.shape(), at);
                assertArrayEquals(p.data(), q.data(), at + ": bits of " + p.name());
            }
        }
    }

    private static String config(Layer l) {
        return l.type() + switch (l) {
            case Conv2d c -> " " + c.inChannels() + "->" + c.outChannels() + " g" + c.groups() + " " + c.window();
            case Dense d -> " " + d.inFeatures() + "->" + d.outFeatures();
            case Pool2d p -> " " + p.window() + (p instanceof AvgPool2d ? " countPad=" + p.countIncludePad() : "");
            default -> "";
        };
    }
}
