package io.systole.cli;

import io.systole.model.Zoo;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code systole zoo}: the named models. */
@Command(name = "zoo", mixinStandardHelpOptions = true, description = "List the models of the zoo.")
final class ZooCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        List<List<String>> rows = new ArrayList<>();
        for (Zoo.Entry e : Zoo.entries()) {
            rows.add(List.of(e.name(), e.description()));
        }
        spec.commandLine().getOut().print(Format.table(List.of("model", "description"), rows));
    }
}
