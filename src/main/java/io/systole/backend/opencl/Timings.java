package io.systole.backend.opencl;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Device time per named step (a layer, a transfer), summed over every time the step ran. Names
 * keep the order in which they were first added. Safe to fill from several threads.
 */
public final class Timings {
  /**
   * One step's totals.
   *
   * @param totalNanos device time summed over every run, in nanoseconds
   * @param count how many runs were added
   */
  public record Entry(long totalNanos, long count) {
    /** Mean device time of one run, in nanoseconds. */
    public double meanNanos() {
      return count == 0 ? 0 : (double) totalNanos / count;
    }
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  /** Adds one run of {@code name} that took {@code nanos} nanoseconds. */
  public synchronized void add(String name, long nanos) {
    entries.merge(
        name,
        new Entry(nanos, 1),
        (a, b) -> new Entry(a.totalNanos + b.totalNanos, a.count + b.count));
  }

  /** Adds one run of {@code name} timed by {@code event} (waits for it; does not close it). */
  public void add(String name, ClEvent event) {
    add(name, event.durationNanos());
  }

  /** A copy of the totals, in first-added order. */
  public synchronized Map<String, Entry> entries() {
    return new LinkedHashMap<>(entries);
  }

  /** The sum over all steps, in nanoseconds. */
  public synchronized long totalNanos() {
    return entries.values().stream().mapToLong(Entry::totalNanos).sum();
  }

  /** A table: step, runs, total milliseconds, mean microseconds. */
  @Override
  public synchronized String toString() {
    int width = Math.max(4, entries.keySet().stream().mapToInt(String::length).max().orElse(0));
    String row = "%-" + width + "s %8s %12s %12s%n";
    StringBuilder out =
        new StringBuilder(String.format(row, "step", "runs", "total ms", "mean us"));
    entries.forEach(
        (name, e) ->
            out.append(
                String.format(
                    Locale.ROOT,
                    row,
                    name,
                    e.count,
                    String.format(Locale.ROOT, "%.3f", e.totalNanos / 1e6),
                    String.format(Locale.ROOT, "%.3f", e.meanNanos() / 1e3))));
    return out.toString();
  }
}
