package io.systole.cli;

import io.systole.train.Trainer;
import java.io.PrintWriter;

/**
 * Training progress. On a terminal: one line redrawn in place at most every 100 ms with a bar,
 * the running loss and accuracy of the epoch and images per second, then kept as the epoch's
 * summary. Elsewhere (a pipe, a file, a CI log): one plain line per epoch.
 */
final class ProgressBar implements Trainer.Listener {
    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;
    private final PrintWriter out;
    private final boolean terminal;
    private long lastDraw;

    ProgressBar(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Whether standard output is an interactive terminal. */
    static boolean onTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public void step(Trainer.Progress p) {
        long now = System.nanoTime();
        if (!terminal || (now - lastDraw < REDRAW_NANOS && p.seen() < p.total())) {
            return;
        }
        lastDraw = now;
        int filled = (int) ((long) WIDTH * p.seen() / p.total());
        out.printf("\repoch %d/%d [%s%s] %s/%s  loss %.4f  acc %5.1f%%  %s img/s ", p.epoch(), p.epochs(),
                "#".repeat(filled), "-".repeat(WIDTH - filled), Format.count(p.seen()), Format.count(p.total()),
                p.loss(), 100 * p.accuracy(), Format.count(Math.round(p.imagesPerSecond())));
        out.flush();
    }

    @Override
    public void epoch(Trainer.Epoch e) {
        if (terminal) {
            out.print("\r\033[K");
        }
        out.printf("epoch %d/%d: loss %.4f, accuracy %.2f%%, %.1f s, %s images/s, lr %.3g%n", e.epoch(), e.epochs(),
                e.loss(), 100 * e.accuracy(), e.seconds(), Format.count(Math.round(e.imagesPerSecond())),
                e.learningRate());
        out.flush();
    }
}
