package io.systole.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Parsing and naming of the three data formats. */
class NumberFormatTest {

    @Test
    void parsesEachFamily() {
        assertSame(F32.INSTANCE, NumberFormat.parse("f32"));
        assertEquals(F32.INSTANCE, NumberFormat.parse(" float32 "));
        assertEquals(Int8Format.DEFAULT, NumberFormat.parse("int8"));
        assertEquals(new Int8Format(24, Int8Format.AccOverflow.WRAP, Int8Format.RequantMode.MULTIPLIER_SHIFT),
                NumberFormat.parse("int8<24>"));
        assertEquals(new Int8Format(20, Int8Format.AccOverflow.SATURATE, Int8Format.RequantMode.FLOAT_SCALE),
                NumberFormat.parse("int8<20, saturate, float_scale>"));
        assertEquals(new FixedFormat(16, 6, Rounding.RND, Overflow.SAT), NumberFormat.parse("fixed<16,6,AP_RND,AP_SAT>"));
    }

    @Test
    void namesParseBack() {
        NumberFormat[] formats = {F32.INSTANCE, Int8Format.DEFAULT,
            new Int8Format(17, Int8Format.AccOverflow.SATURATE, Int8Format.RequantMode.MULTIPLIER_SHIFT),
            new Int8Format(32, Int8Format.AccOverflow.WRAP, Int8Format.RequantMode.FLOAT_SCALE),
            new FixedFormat(13, 5, Rounding.RND_CONV, Overflow.SAT_SYM), new FixedFormat(32, -4)};
        for (NumberFormat f : formats) {
            assertEquals(f, NumberFormat.parse(f.name()), f.name());
            assertEquals(f.name(), f.toString());
        }
        assertEquals("int8", Int8Format.DEFAULT.name());
        assertEquals("int8<17,SATURATE,MULTIPLIER_SHIFT>", formats[2].name());
    }

    @Test
    void everyFormatIsOneOfThree() {
        String[] texts = {"f32", "int8", "fixed<8,3>"};
        String[] families = {"float", "quantized", "fixed point"};
        for (int i = 0; i < texts.length; i++) {
            String family = switch (NumberFormat.parse(texts[i])) { // exhaustive without a default
                case F32 f -> "float";
                case Int8Format q -> "quantized";
                case FixedFormat x -> "fixed point";
            };
            assertEquals(families[i], family);
        }
    }

    @Test
    void errorsNameTheTextAndWhatWasExpected() {
        assertMessage("bf16", "unknown number format \"bf16\"", "f32, int8");
        assertMessage("fixed<40,8>", "bad number format \"fixed<40,8>\"", "at most 32 bits");
        assertMessage("fixed<16,x>", "\"fixed<16,x>\"", "fixed<W,I>");
        assertMessage("int8<8>", "bad int8 format \"int8<8>\"", "16..32");
        assertMessage("int8<32,FOO>", "bad int8 format \"int8<32,FOO>\"", "WRAP|SATURATE");
        assertThrows(IllegalArgumentException.class, () -> new Int8Format(33, Int8Format.AccOverflow.WRAP,
                Int8Format.RequantMode.FLOAT_SCALE));
    }

    private static void assertMessage(String text, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NumberFormat.parse(text));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message \"" + e.getMessage() + "\" lacks \"" + p + "\"");
        }
    }

    @Test
    void int8AccumulatorRange() {
        Int8Format f = new Int8Format(16, Int8Format.AccOverflow.SATURATE, Int8Format.RequantMode.MULTIPLIER_SHIFT);
        assertEquals(32767, f.accMax());
        assertEquals(-32768, f.accMin());
        assertEquals(Integer.MAX_VALUE, Int8Format.DEFAULT.accMax());
        assertEquals(Integer.MIN_VALUE, Int8Format.DEFAULT.accMin());
    }
}
