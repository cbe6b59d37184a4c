package io.systole.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.train.Trainer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final Trainer.Progress HALF = new Trainer.Progress(2, 5, 30_000, 60_000, 0.4321, 0.875, 5_000, 1e-3);
    private static final Trainer.Epoch DONE = new Trainer.Epoch(2, 5, 60_000, 0.4, 0.88, 12.0, 1e-3);

    @Test
    void terminalRedrawsOneLineThenKeepsTheEpochSummary() {
        StringWriter s = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(s), true);
        bar.step(HALF);
        assertEquals("\repoch 2/5 [############------------] 30,000/60,000  loss 0.4321  acc  87.5%  5,000 img/s ",
                s.toString());
        bar.epoch(DONE);
        assertTrue(s.toString().endsWith("\r\033[Kepoch 2/5: loss 0.4000, accuracy 88.00%, 12.0 s, 5,000 images/s,"
                + " lr 0.00100" + System.lineSeparator()), s.toString());
    }

    @Test
    void plainOutputIsOneLinePerEpoch() {
        StringWriter s = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(s), false);
        bar.step(HALF);
        assertEquals("", s.toString());
        bar.epoch(DONE);
        assertEquals("epoch 2/5: loss 0.4000, accuracy 88.00%, 12.0 s, 5,000 images/s, lr 0.00100"
                + System.lineSeparator(), s.toString());
    }
}
