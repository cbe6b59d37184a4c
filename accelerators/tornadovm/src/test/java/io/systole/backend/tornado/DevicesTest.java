package io.systole.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.backend.Backend;
import io.systole.backend.Devices;
import io.systole.backend.TornadoDevices;
import io.systole.model.ModelException;
import io.systole.sim.ArrayConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TornadoVM's devices through the registry: listed, selected as tornado:N, absent ones named. */
class DevicesTest {

    @Test
    void theRegistryListsAndSelectsTornadoDevices() {
        List<String> lines = TornadoDevices.listing();
        assertTrue(lines.getFirst().startsWith("tornado:0  "), lines.toString());
        List<Backend> b = Devices.select("tornado:0", ArrayConfig.DEFAULT, null);
        try {
            assertEquals(List.of("jvm", "tornado:0"), b.stream().map(Backend::id).toList());
            assertTrue(b.getLast().peakFlops() > 0);
        } finally {
            b.forEach(Backend::close);
        }
    }

    @Test
    void anAbsentDeviceIsNamed() {
        ModelException e = assertThrows(ModelException.class,
                () -> Devices.select("tornado:99", ArrayConfig.DEFAULT, null));
        assertTrue(e.getMessage().startsWith("no TornadoVM device 'tornado:99'; found: tornado:0"), e.getMessage());
    }
}
