package io.systole.onnx;

/**
 * Why one ONNX node cannot be imported. The importer collects these and reports them all at once;
 * an {@linkplain #upstream() upstream} one only marks a node fed by a node that already failed.
 */
final class Unsupported extends Exception {
    private final boolean upstream;

    Unsupported(String message) {
        this(message, false);
    }

    private Unsupported(String message, boolean upstream) {
        super(message, null, false, false);
        this.upstream = upstream;
    }

    /** A node whose input comes from a node that could not be imported: nothing new to report. */
    static Unsupported upstream() {
        return new Unsupported("an input comes from a node that could not be imported", true);
    }

    boolean isUpstream() {
        return upstream;
    }
}
