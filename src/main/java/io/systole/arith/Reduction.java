package io.systole.arith;

/** Checks shared by the dot-product orders of every format. */
final class Reduction {
    private Reduction() {
    }

    /** @throws IllegalArgumentException unless a weight-stationary array has at least one row */
    static void requireRows(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("array rows " + rows + " is out of range: expected at least 1");
        }
    }
}
