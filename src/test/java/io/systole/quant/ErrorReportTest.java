package io.systole.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.model.Network;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorReportTest {

    @Test
    void handCase() throws IOException {
        Network net = Network.builder("hand", Shape.flat(4)).add(new ReLU("relu")).build();
        // range [0, 255]: scale 1, zero point -128, so q = rint(x) - 128 and back q + 128
        Tensor x = Tensor.of(new float[] {0, 100.25f, 255, 7.5f, 10.25f, 10.375f, 0, 0}, 2, 4);
        QuantizedNetwork q = Quantizer.int8(net, Int8Format.DEFAULT, Calibration.minMax(net, x)).network();
        ErrorReport r = ErrorReport.measure(q, ArrayConfig.DEFAULT.withFormat(q.format()), x, new int[] {2, 1});
        // errors 0, 0.25, 0, 0.5 (7.5 rounds half to even: 8), 0.25, 0.375, 0, 0
        // signal (100.25^2 + 255^2 + 7.5^2 + 10.25^2 + 10.375^2) / 8 = 75344.015625 / 8
        // noise (0.0625 + 0.25 + 0.0625 + 0.140625) / 8 = 0.515625 / 8
        for (String t : new String[] {"input", "relu"}) {
            ErrorReport.Row row = r.layer(t);
            assertEquals(8, row.elements());
            assertEquals(0.5, row.maxAbsError());
            assertEquals(75344.015625 / 8, row.signal());
            assertEquals(0.515625 / 8, row.noise());
            assertEquals(10 * Math.log10(75344.015625 / 0.515625), row.sqnrDb(), 1e-12);
            assertEquals(51.6471, row.sqnrDb(), 1e-4);
        }
        // sample 0: argmax 2 in both; sample 1: 10.375 > 10.25, but both quantize to 10: the tie
        // goes to the first index, so float says 1 and int8 says 0
        assertEquals(new ErrorReport.Top1(2, 1, 2, 1), r.top1());
        assertTrue(r.summaryLine().contains("1 / 2 (50.00%)") && r.summaryLine().contains("float 100.00%, int8 50.00%"),
                r.summaryLine());
        JsonNode j = new ObjectMapper().readTree(r.toJsonText());
        assertEquals(0.5, j.get("layers").get(1).get("max_abs_error").asDouble());
        assertEquals(1, j.get("top1").get("agree").asInt());
        assertEquals(1, j.get("top1").get("quantized_correct").asInt());
    }

    @Test
    void lenet5QuantizesWithAHighSignalToNoiseRatio() {
        Network net = QuantTesting.withBiases(Zoo.get("lenet5-28"), 11);
        Tensor cal = QuantTesting.input(net, 32, 0, 1, 1);
        Tensor eval = QuantTesting.input(net, 32, 0, 1, 2);
        Calibration c = Calibration.minMax(net, cal);
        QuantizedNetwork q8 = Quantizer.int8(net, Int8Format.DEFAULT, c).network();
        ErrorReport r8 = ErrorReport.measure(q8, ArrayConfig.DEFAULT.withFormat(q8.format()), eval, null);
        for (ErrorReport.Row row : r8.layers()) {
            assertTrue(row.sqnrDb() > 25, row.toString());
        }
        assertTrue(r8.layer("fc3").sqnrDb() > 25, r8.layer("fc3").toString());
        assertTrue(r8.top1().agreement() >= 0.9, r8.summaryLine());
        assertEquals("conv2d+relu", r8.layer("conv1").type());
        assertTrue(r8.layers().stream().noneMatch(row -> row.name().equals("relu1")));

        QuantizedNetwork q16 = Quantizer.fixed(net, FixedFormat.parse("fixed<16,6,RND,SAT>"), Map.of(), c).network();
        ErrorReport r16 = ErrorReport.measure(q16, ArrayConfig.DEFAULT.withFormat(q16.format()), eval, null);
        assertTrue(r16.layer("fc3").sqnrDb() > 40, r16.layer("fc3").toString());
        assertEquals(32, r16.top1().agree(), r16.summaryLine());

        // 8 bits: integer bits fitted per layer beat one format for all
        FixedFormat f8 = FixedFormat.parse("fixed<8,2,RND,SAT>");
        QuantizedNetwork one = Quantizer.fixed(net, f8, Map.of(), c).network();
        QuantizedNetwork fitted = Quantizer.fixed(net, f8, Quantizer.fitIntegerBits(net, f8, c), c).network();
        double plain = ErrorReport.measure(one, ArrayConfig.DEFAULT.withFormat(f8), eval, null).layer("fc3").sqnrDb();
        double fit = ErrorReport.measure(fitted, ArrayConfig.DEFAULT.withFormat(f8), eval, null).layer("fc3").sqnrDb();
        assertTrue(fit > plain + 1, fit + " dB fitted, " + plain + " dB in one format");
    }
}
