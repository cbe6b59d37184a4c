package io.systole.cli;

import io.systole.backend.TornadoDevices;
import io.systole.backend.opencl.Availability;
import io.systole.backend.opencl.DeviceListing;
import io.systole.backend.opencl.OpenCl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code systole devices}: every OpenCL device, or why there is none; then TornadoVM's, or why
 * there are none.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List OpenCL and TornadoVM devices with their type, size and the formats systole runs there.")
final class DevicesCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        Availability a = OpenCl.discover();
        if (json) {
            spec.commandLine().getOut().print(DeviceListing.json(a, TornadoDevices.discover()));
        } else {
            spec.commandLine().getOut().print(DeviceListing.text(a));
            TornadoDevices.listing().forEach(spec.commandLine().getOut()::println);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
