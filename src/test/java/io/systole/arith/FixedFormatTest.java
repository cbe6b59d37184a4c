package io.systole.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hand-computed cases for each rounding mode at halves, each overflow mode at the edges, and parsing. */
class FixedFormatTest {

    /** Raw of fixed<8,8,q,WRAP> (integers) for an exact value given in halves: raw * 2^-1. */
    private static long roundHalves(Rounding q, long halves) {
        return new FixedFormat(8, 8, q, Overflow.WRAP).rescale(halves, 1, null);
    }

    @ParameterizedTest(name = "{0}: 2.5 1.5 -1.5 -2.5 -> {1} {2} {3} {4}")
    @CsvSource({
        "TRN,          2, 1, -2, -3",
        "TRN_ZERO,     2, 1, -1, -2",
        "RND,          3, 2, -1, -2",
        "RND_ZERO,     2, 1, -1, -2",
        "RND_INF,      3, 2, -2, -3",
        "RND_MIN_INF,  2, 1, -2, -3",
        "RND_CONV,     2, 2, -2, -2",
    })
    void halvesRoundAsEachModeSays(Rounding q, long p25, long p15, long m15, long m25) {
        assertEquals(p25, roundHalves(q, 5));
        assertEquals(p15, roundHalves(q, 3));
        assertEquals(m15, roundHalves(q, -3));
        assertEquals(m25, roundHalves(q, -5));
    }

    @ParameterizedTest(name = "{0}: 2.25 2.75 -2.25 -2.75 -> {1} {2} {3} {4}")
    @CsvSource({
        "TRN,          2, 2, -3, -3",
        "TRN_ZERO,     2, 2, -2, -2",
        "RND,          2, 3, -2, -3",
        "RND_ZERO,     2, 3, -2, -3",
        "RND_INF,      2, 3, -2, -3",
        "RND_MIN_INF,  2, 3, -2, -3",
        "RND_CONV,     2, 3, -2, -3",
    })
    void quartersRoundToNearestOrTruncate(Rounding q, long p225, long p275, long m225, long m275) {
        FixedFormat f = new FixedFormat(8, 8, q, Overflow.WRAP);
        assertEquals(p225, f.rescale(9, 2, null));
        assertEquals(p275, f.rescale(11, 2, null));
        assertEquals(m225, f.rescale(-9, 2, null));
        assertEquals(m275, f.rescale(-11, 2, null));
    }

    /** The quantization examples of the HLS user guide, ap_fixed<3,2,Q,AP_SAT> (step 0.5). */
    @ParameterizedTest(name = "ap_fixed<3,2,{0}>({1}) = {2}")
    @CsvSource({
        "RND,          1.25,  1.5",
        "RND,         -1.25, -1.0",
        "RND_ZERO,     1.25,  1.0",
        "RND_ZERO,    -1.25, -1.0",
        "RND_MIN_INF,  1.25,  1.0",
        "RND_MIN_INF, -1.25, -1.5",
        "RND_INF,      1.25,  1.5",
        "RND_INF,     -1.25, -1.5",
        "RND_CONV,     0.75,  1.0",
        "RND_CONV,    -1.25, -1.0",
        "TRN,          1.25,  1.0",
        "TRN,         -1.25, -1.5",
        "TRN_ZERO,     1.25,  1.0",
        "TRN_ZERO,    -1.25, -1.0",
    })
    void hlsQuantizationExamples(Rounding q, double in, double out) {
        FixedFormat f = new FixedFormat(3, 2, q, Overflow.SAT);
        assertEquals(out, f.toDouble(f.fromDouble(in, null)));
    }

    /** The overflow examples of the HLS user guide, ap_fixed<4,4,AP_RND,O> (range -8..7). */
    @ParameterizedTest(name = "ap_fixed<4,4,RND,{0}>({1}) = {2}")
    @CsvSource({
        "SAT,       19.0,  7",
        "SAT,      -19.0, -8",
        "SAT_ZERO,  19.0,  0",
        "SAT_ZERO, -19.0,  0",
        "SAT_SYM,   19.0,  7",
        "SAT_SYM,  -19.0, -7",
        "WRAP,      31.0, -1",
        "WRAP,     -19.0, -3",
    })
    void hlsOverflowExamples(Overflow o, double in, long out) {
        assertEquals(out, new FixedFormat(4, 4, Rounding.RND, o).fromDouble(in, null));
    }

    @ParameterizedTest(name = "fixed<8,3,TRN,{0}>: raw 128 127 -128 -129 -> {1} {2} {3} {4}")
    @CsvSource({
        "WRAP,     -128, 127, -128,  127",
        "SAT,       127, 127, -128, -128",
        "SAT_ZERO,    0, 127, -128,    0",
        "SAT_SYM,   127, 127, -127, -127",
    })
    void overflowModesAtTheEdges(Overflow o, long above, long max, long min, long below) {
        FixedFormat f = new FixedFormat(8, 3, Rounding.TRN, o);
        assertEquals(above, f.rescale(128, 5, null));
        assertEquals(max, f.rescale(127, 5, null));
        assertEquals(min, f.rescale(-128, 5, null));
        assertEquals(below, f.rescale(-129, 5, null));
    }

    @Test
    void roundingUpCanOverflow() {
        FixedFormat sat = new FixedFormat(8, 3, Rounding.RND, Overflow.SAT);
        OverflowCounter c = new OverflowCounter();
        assertEquals(127, sat.rescale(255, 6, c)); // 127.5 raw rounds to 128
        assertEquals(1, c.saturations());
        FixedFormat wrap = new FixedFormat(8, 3, Rounding.RND, Overflow.WRAP);
        assertEquals(-128, wrap.rescale(255, 6, c));
        assertEquals(2, c.overflows());
        assertEquals(1, c.saturations());
    }

    @Test
    void dropsAndAppendsBitsBeyondTheWidthOfALong() {
        FixedFormat rnd = new FixedFormat(16, 6, Rounding.RND, Overflow.SAT);
        assertEquals(0, rnd.rescale(Long.MIN_VALUE, rnd.fracBits() + 64, null)); // -0.5 raw: ties up
        assertEquals(-1, new FixedFormat(16, 6, Rounding.RND_MIN_INF, Overflow.SAT)
                .rescale(Long.MIN_VALUE, 10 + 64, null));
        assertEquals(-1, new FixedFormat(16, 6, Rounding.TRN, Overflow.SAT).rescale(-1, 10 + 200, null));
        assertEquals(0, new FixedFormat(16, 6, Rounding.TRN_ZERO, Overflow.SAT).rescale(-1, 10 + 200, null));
        assertEquals(rnd.maxRaw(), rnd.rescale(1, 10 - 64, null));
        assertEquals(0, new FixedFormat(16, 6).rescale(1, 10 - 64, null)); // 2^64 wraps to 0
        assertEquals(-32768, new FixedFormat(16, 6).rescale(1, 10 - 15, null)); // 2^15 wraps to -2^15
    }

    @Test
    void rangesAndDoubles() {
        FixedFormat f = new FixedFormat(16, 6);
        assertEquals(10, f.fracBits());
        assertEquals(32767, f.maxRaw());
        assertEquals(-32768, f.minRaw());
        assertEquals(Long.MAX_VALUE, new FixedFormat(64, 0).maxRaw());
        assertEquals(Long.MIN_VALUE, new FixedFormat(64, 0).minRaw());
        assertEquals(1, new FixedFormat(2, 1).maxRaw());
        assertEquals(1.5, f.toDouble(1536));
        assertEquals(-0.0009765625, f.toDouble(-1));
        assertEquals(12.0, new FixedFormat(8, 10).toDouble(3)); // F = -2: raw steps of 4
        assertEquals(1536, f.fromDouble(1.5, null));
        assertEquals(-1, f.fromDouble(-1e-300, null)); // TRN: toward -inf
        assertEquals(0, f.fromDouble(Double.MIN_VALUE, null));
    }

    @Test
    void nonFiniteDoublesAreRefused() {
        FixedFormat f = new FixedFormat(16, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.fromDouble(Double.NaN, null));
        assertTrue(e.getMessage().contains("fixed<16,6,TRN,WRAP>"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.fromDouble(Double.NEGATIVE_INFINITY, null));
    }

    @Test
    void defaultAccumulatorHoldsProductsExactly() {
        FixedFormat data = FixedFormat.parse("fixed<16,6,RND,SAT>");
        FixedFormat acc = FixedFormat.defaultAccumulator(data);
        assertEquals(new FixedFormat(48, 28, Rounding.TRN, Overflow.WRAP), acc);
        assertEquals(2 * data.fracBits(), acc.fracBits());
        assertEquals(new FixedFormat(32, 22), FixedFormat.defaultAccumulator(new FixedFormat(8, 3)));
        assertEquals(new FixedFormat(64, 0), FixedFormat.defaultAccumulator(new FixedFormat(32, 0)));
        assertEquals(new FixedFormat(40, 23),
                FixedFormat.defaultAccumulator(new FixedFormat(16, 6), new FixedFormat(8, 1)));
        assertThrows(IllegalArgumentException.class, () -> FixedFormat.defaultAccumulator(new FixedFormat(40, 8)));
    }

    @Test
    void parseAcceptsDefaultsPrefixesAndSpaces() {
        assertEquals(new FixedFormat(16, 6, Rounding.TRN, Overflow.WRAP), FixedFormat.parse("fixed<16,6>"));
        assertEquals(new FixedFormat(16, 6, Rounding.RND, Overflow.SAT), FixedFormat.parse("fixed<16,6,RND,SAT>"));
        assertEquals(new FixedFormat(16, 6, Rounding.RND_CONV, Overflow.SAT_SYM),
                FixedFormat.parse(" fixed< 16 , 6 , AP_RND_CONV , AP_SAT_SYM > "));
        assertEquals(new FixedFormat(13, -5, Rounding.RND_INF, Overflow.WRAP), FixedFormat.parse("fixed<13,-5,rnd_inf>"));
        assertEquals("fixed<16,6,RND,SAT>", new FixedFormat(16, 6, Rounding.RND, Overflow.SAT).toString());
    }

    @Test
    void parseRoundTripsEveryMode() {
        for (Rounding q : Rounding.values()) {
            for (Overflow o : Overflow.values()) {
                FixedFormat f = new FixedFormat(13, 5, q, o);
                assertEquals(f, FixedFormat.parse(f.toString()));
                assertEquals(f, FixedFormat.parse("fixed<13,5,AP_" + q + ",AP_" + o + ">"));
            }
        }
    }

    @Test
    void parseErrorsNameTheTextAndWhatWasExpected() {
        assertMessage("fixed<16>", "\"fixed<16>\"", "expected fixed<W,I>");
        assertMessage("fixed<16,6,SAT,RND>", "unknown rounding mode \"SAT\"", "RND_CONV");
        assertMessage("fixed<16,6,RND,FOO>", "unknown overflow mode \"FOO\"", "SAT_SYM");
        assertMessage("fixed<1,0>", "\"fixed<1,0>\"", "expected 2..64");
        assertMessage("fixed<65,0>", "width 65", "expected 2..64");
        assertMessage("fixed<8,17>", "integer bits 17", "expected -8..16");
        assertMessage("fixed<99999999999,1>", "\"fixed<99999999999,1>\"", "W in 2..64");
    }

    private static void assertMessage(String text, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FixedFormat.parse(text));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message \"" + e.getMessage() + "\" lacks \"" + p + "\"");
        }
    }

    @Test
    void countersMerge() {
        OverflowCounter a = new OverflowCounter();
        OverflowCounter b = new OverflowCounter();
        new FixedFormat(8, 8, Rounding.TRN, Overflow.SAT).fit(300, a);
        new FixedFormat(8, 8, Rounding.TRN, Overflow.WRAP).fit(300, b);
        new FixedFormat(8, 8, Rounding.TRN, Overflow.SAT_ZERO).fit(-300, b);
        a.merge(b);
        assertEquals(3, a.overflows());
        assertEquals(2, a.saturations());
        assertEquals("overflows=3, saturations=2", a.toString());
        a.reset();
        assertEquals(0, a.overflows());
    }
}
