package io.systole.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.systole.arith.Int8Format;
import io.systole.model.Conv2d;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.OrderedReference;
import io.systole.tensor.Tensor;
import io.systole.train.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * How often, and by how much, the two int8 requantization modes differ on a real layer: the
 * trained LeNet-5's conv2 (6 -> 16 channels, 5x5, ReLU folded), quantized from Fashion-MNIST test
 * images. Both networks share the calibration, so their weights, biases and zero points are equal
 * and only the requantization differs (Q31 multiplier and shift with ties away from zero, against
 * float32 scale with round half to even); both modes run the layer on the same int8 input.
 * Each mode rounds {@code acc * realScale} to the nearest step and the two scales differ in about
 * the 24th bit, so they can disagree only where the exact value lies within a hair of a .5, and
 * then by one step.
 */
class RequantModeDifferenceTest {
    private static final int IMAGES = 200;

    @Test
    void multiplierShiftAndFloatScaleDifferByAtMostOneStepOnLenetConv2() throws IOException {
        assumeTrue(Files.isDirectory(Dataset.FASHION_MNIST_DIR), "needs the Debian package "
                + Dataset.FASHION_MNIST_PACKAGE);
        Network net = Zoo.get("lenet5-fashion");
        Tensor x = Dataset.open(Dataset.FASHION_MNIST, Dataset.Split.TEST).limit(IMAGES).images();
        Calibration cal = Calibration.minMax(net, x);
        Int8Format shift = Int8Format.DEFAULT;
        Int8Format scale = new Int8Format(32, Int8Format.AccOverflow.WRAP, Int8Format.RequantMode.FLOAT_SCALE);
        QuantizedNetwork qShift = Quantizer.int8(net, shift, cal).network();
        QuantizedNetwork qScale = Quantizer.int8(net, scale, cal).network();
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(shift);
        Network.Node conv2 = net.node("conv2");
        String from = conv2.inputs().getFirst();
        Tensor in = IntegerReference.forwardAll(qShift, cfg, x).get(from);
        ImplicitGemm g = ImplicitGemm.of((Conv2d) conv2.layer(), net.shapeOf(from), IMAGES);
        byte[] a = OrderedReference.run(new ArrayLayer(g, qShift.op("conv2").operands()), in, cfg).output().bytes();
        byte[] b = OrderedReference.run(new ArrayLayer(g, qScale.op("conv2").operands()), in, cfg.withFormat(scale))
                .output().bytes();
        int differ = 0;
        int worst = 0;
        for (int i = 0; i < a.length; i++) {
            int d = Math.abs(a[i] - b[i]);
            differ += d != 0 ? 1 : 0;
            worst = Math.max(worst, d);
        }
        System.out.printf("lenet5-fashion conv2 on %d Fashion-MNIST images: MULTIPLIER_SHIFT and FLOAT_SCALE differ"
                + " in %d of %d outputs (%.4f%%), by at most %d int8 step(s)%n", IMAGES, differ, a.length,
                100.0 * differ / a.length, worst);
        assertTrue(worst <= 1, "the modes differ by " + worst + " steps");
    }
}
