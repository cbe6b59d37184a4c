package io.systole.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.ModelException;
import io.systole.sim.ArrayConfig;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Without the tornadovm profile a TornadoVM device is a plain reason, never a stack trace. */
class TornadoDevicesTest {

    static boolean built() {
        try {
            Class.forName(TornadoDevices.BACKEND);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Test
    void aBuildWithoutTheProfileSaysSo() {
        Assumptions.assumeFalse(built(), "built with the tornadovm profile");
        assertEquals(List.of("TornadoVM: " + TornadoDevices.NOT_BUILT), TornadoDevices.listing());
        assertEquals(new TornadoDevices.Listing(List.of(), TornadoDevices.NOT_BUILT), TornadoDevices.discover());
        assertEquals(List.of(), TornadoDevices.all(ArrayConfig.DEFAULT), "auto adds no TornadoVM device, silently");
        ModelException e = assertThrows(ModelException.class,
                () -> Devices.select("tornado:0", ArrayConfig.DEFAULT, null));
        assertTrue(e.getMessage().equals("device 'tornado:0' is not available: " + TornadoDevices.NOT_BUILT),
                e.getMessage());
    }
}
