package io.systole.tensor;

/** Element types of a {@link Tensor}, with their numpy type strings (little-endian). */
public enum DType {
    F32("<f4", 4),
    I8("|i1", 1),
    I32("<i4", 4);

    private final String numpy;
    private final int bytes;

    DType(String numpy, int bytes) {
        this.numpy = numpy;
        this.bytes = bytes;
    }

    /** The numpy {@code descr} string, e.g. {@code <f4}. */
    public String numpy() {
        return numpy;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The dtype whose numpy descr is {@code descr} ({@code <i1}, {@code i1} and {@code |i1} all mean int8). */
    public static DType ofNumpy(String descr) {
        String d = descr.replace("|", "").replace("<", "");
        return switch (d) {
            case "f4" -> F32;
            case "i1" -> I8;
            case "i4" -> I32;
            default -> throw new IllegalArgumentException("unsupported dtype '" + descr
                    + "': expected little-endian float32 (<f4), int8 (|i1) or int32 (<i4)");
        };
    }
}
