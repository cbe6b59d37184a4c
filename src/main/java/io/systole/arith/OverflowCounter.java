package io.systole.arith;

/**
 * Counts overflow events of the arithmetic steps of one run, layer or thread. An overflow is a
 * value found outside its format's range; a saturation is an overflow whose value was clamped
 * (or zeroed) rather than wrapped, so {@code saturations <= overflows}.
 *
 * <p>Not thread-safe: give each thread its own counter and {@link #merge} them. Every step that
 * takes a counter also accepts {@code null} for "do not count".
 */
public final class OverflowCounter {
    private long overflows;
    private long saturations;

    /** Records one overflow; {@code saturated} when the value was clamped or zeroed, not wrapped. */
    public void onOverflow(boolean saturated) {
        overflows++;
        if (saturated) {
            saturations++;
        }
    }

    /** Number of values found out of range. */
    public long overflows() {
        return overflows;
    }

    /** Number of out-of-range values that were clamped or zeroed. */
    public long saturations() {
        return saturations;
    }

    /** Adds the other counter's events to this one (per-layer totals from per-thread counters). */
    public void merge(OverflowCounter other) {
        overflows += other.overflows;
        saturations += other.saturations;
    }

    /** Forgets all events. */
    public void reset() {
        overflows = 0;
        saturations = 0;
    }

    @Override
    public String toString() {
        return "overflows=" + overflows + ", saturations=" + saturations;
    }
}
