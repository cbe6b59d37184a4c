package io.systole.sim;

/**
 * Watches the PE-level engine cycle by cycle: traces and waveforms. Register contents are raw
 * values of the layer's format (float32 as its bits).
 */
public interface ArrayProbe {

    /** What the array is doing in a cycle. */
    enum Phase {
        /** WS: weights shifting down into the PEs (array otherwise idle). */
        LOAD,
        /** Operands flowing through the PEs. */
        STREAM,
        /** OS: finished outputs shifting down and out. */
        DRAIN
    }

    /**
     * Before a layer's first cycle.
     *
     * @param dataBits    bits of activation and weight registers
     * @param partialBits bits of partial-sum registers
     */
    void begin(ArrayConfig cfg, String layer, int dataBits, int partialBits);

    /** After each cycle, with the registers' new contents; {@code cycle} counts from 0 over the layer. */
    void cycle(long cycle, int fold, Phase phase, PeRegisters regs);

    /** After the layer's last cycle. */
    void end(long cycles);
}
