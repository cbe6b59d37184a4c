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

/**
 * TornadoVM's devices through the registry: listed with their formats, selected as tornado:N and
 * by auto, absent ones named.
 */
class DevicesTest {

    @Test
    void theRegistryListsAndSelectsTornadoDevices() {
        TornadoDevices.Listing found = TornadoDevices.discover();
        assertTrue(found.isAvailable(), found.reason());
        TornadoDevices.Device first = found.devices().getFirst();
        assertEquals("tornado:0", first.id());
        List<String> lines = TornadoDevices.listing();
        assertEquals("tornado:0  " + first.type() + "  " + first.name() + "  " + first.platform() + "  (TornadoVM "
                + first.runtimeName() + ")  f32 int8 fixed", lines.getFirst());
        List<Backend> b = Devices.select("tornado:0", ArrayConfig.DEFAULT, null);
        try {
            assertEquals(List.of("jvm", "tornado:0"), b.stream().map(Backend::id).toList());
            assertTrue(b.getLast().peakFlops() > 0);
        } finally {
            b.forEach(Backend::close);
        }
    }

    @Test
    void autoTakesEveryTornadoDevice() {
        List<Backend> b = Devices.select("auto", ArrayConfig.DEFAULT, null);
        try {
            List<String> ids = b.stream().map(Backend::id).toList();
            assertTrue(ids.containsAll(TornadoDevices.discover().devices().stream().map(TornadoDevices.Device::id)
                    .toList()), ids.toString());
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
