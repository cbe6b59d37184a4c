package io.systole.sim;

/**
 * The registers of an R x C PE array, row-major (PE (i, j) at {@code i * C + j}): the weight
 * register (stationary in WS, moving down in OS), the activation register (moving right), the
 * partial-sum register (moving down in WS; the accumulator in OS), each with a valid bit.
 */
public final class PeRegisters {
    final int rows;
    final int cols;
    long[] weight;
    boolean[] weightValid;
    long[] activation;
    boolean[] activationValid;
    long[] partial;
    boolean[] partialValid;

    PeRegisters(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        int n = rows * cols;
        weight = new long[n];
        weightValid = new boolean[n];
        activation = new long[n];
        activationValid = new boolean[n];
        partial = new long[n];
        partialValid = new boolean[n];
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public long weight(int i, int j) {
        return weight[i * cols + j];
    }

    public boolean weightValid(int i, int j) {
        return weightValid[i * cols + j];
    }

    public long activation(int i, int j) {
        return activation[i * cols + j];
    }

    public boolean activationValid(int i, int j) {
        return activationValid[i * cols + j];
    }

    public long partial(int i, int j) {
        return partial[i * cols + j];
    }

    public boolean partialValid(int i, int j) {
        return partialValid[i * cols + j];
    }
}
