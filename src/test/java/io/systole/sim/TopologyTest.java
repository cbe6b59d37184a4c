package io.systole.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.Accounting;
import io.systole.model.Zoo;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TopologyTest {
    private static final String HEADER =
            "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";

    @Test
    void alexnetTopologyHasTheZooNetworksMacs() throws IOException {
        Topology t = Topology.read(Path.of("sim/topologies/alexnet.csv"));
        assertEquals("alexnet", t.name());
        assertEquals(8, t.layers().size());
        long macs = t.layers().stream().mapToLong(ImplicitGemm::macs).sum();
        assertEquals(Accounting.of(Zoo.get("alexnet")).total().macs(), macs);
        assertEquals(55, t.layers().getFirst().outH());
    }

    @Test
    void acceptsSpacesAndMissingTrailingComma() {
        Topology t = Topology.parse("t", HEADER + " Conv1 ,  9, 9 , 3,3, 5, 7, 2\n\n", "t.csv");
        ImplicitGemm g = t.layers().getFirst();
        assertEquals("Conv1", g.name());
        assertEquals(4, g.outH());
        assertEquals(45, g.k());
        assertEquals(7, g.n());
    }

    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> Topology.parse("t", text, "t.csv")).getMessage();
    }

    @Test
    void badFilesNameTheLineAndField() {
        assertTrue(error("Conv1, 9, 9, 3, 3, 5, 7, 1,\n").contains("t.csv, line 1: expected the header line"));
        assertTrue(error(HEADER + "Conv1, 9, 9, 3, 3, 5, 7,\n").contains("line 2: expected 8 fields"));
        assertTrue(error(HEADER + "Conv1, 9, nine, 3, 3, 5, 7, 1,\n")
                .contains("line 2: field 'IFMAP Width' must be an integer, got 'nine'"));
        assertTrue(error(HEADER + "Conv1, 2, 2, 3, 3, 5, 7, 1,\n").contains("line 2: layer 'Conv1': kernel height 3"));
        assertTrue(error(HEADER).contains("has no layers"));
    }
}
