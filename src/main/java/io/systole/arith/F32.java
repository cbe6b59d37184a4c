package io.systole.arith;

/**
 * IEEE binary32 with the accumulation order of {@link Float32Order}. Text form: {@code f32}.
 */
public record F32() implements NumberFormat {
    /** The one instance (all instances are equal). */
    public static final F32 INSTANCE = new F32();

    @Override
    public String name() {
        return "f32";
    }

    @Override
    public String toString() {
        return name();
    }
}
