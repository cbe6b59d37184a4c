package io.systole.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.systole.model.Accounting;
import io.systole.model.ModelFile;
import io.systole.model.Network;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code systole summary MODEL}: the accounting table. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Per-layer output shapes, units, parameters with and without weight sharing, MACs.")
final class SummaryCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A zoo name or a model file.")
    String model;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Network net = ModelFile.resolve(model);
        PrintWriter out = spec.commandLine().getOut();
        Accounting acc = Accounting.of(net);
        out.print(json ? json(net, acc) : text(net, acc));
        out.flush();
        return 0;
    }

    static String text(Network net, Accounting acc) {
        List<List<String>> rows = new ArrayList<>();
        for (Accounting.Row r : acc.rows()) {
            rows.add(row(r));
        }
        rows.add(row(acc.total()));
        return "model " + net.name() + ": input " + net.inputShape() + ", output " + net.outputShape() + "\n"
                + Format.table(List.of("layer", "type", "output", "units", "params", "unshared", "fc-equivalent",
                        "MACs", "act bytes"), rows)
                + sharingLine(acc) + "\n";
    }

    private static List<String> row(Accounting.Row r) {
        return List.of(r.node(), r.type() + (r.tied() ? " (tied)" : ""), r.output() == null ? "" : r.output().toString(),
                Format.count(r.units()), Format.count(r.params()), Format.count(r.paramsUnshared()),
                Format.count(r.paramsDense()), Format.count(r.macs()), Format.count(r.activationBytes()));
    }

    /** One line stating what weight sharing saves. */
    static String sharingLine(Accounting acc) {
        Accounting.Row t = acc.total();
        return String.format("weight sharing: %s parameters instead of %s without sharing (%.1fx fewer)"
                + " and %s for the fully connected equivalent", Format.count(t.params()),
                Format.count(t.paramsUnshared()), acc.sharingReduction(), Format.count(t.paramsDense()));
    }

    static String json(Network net, Accounting acc) throws IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("model", net.name());
        root.put("input", net.inputShape().toString());
        ArrayNode layers = root.putArray("layers");
        for (Accounting.Row r : acc.rows()) {
            layers.add(jsonRow(m, r));
        }
        root.set("total", jsonRow(m, acc.total()));
        root.put("sharing_reduction", acc.sharingReduction());
        return m.writeValueAsString(root) + "\n";
    }

    private static ObjectNode jsonRow(ObjectMapper m, Accounting.Row r) {
        ObjectNode o = m.createObjectNode();
        o.put("name", r.node());
        o.put("type", r.type());
        if (r.output() != null) {
            o.put("output", r.output().toString());
        }
        o.put("units", r.units());
        o.put("params", r.params());
        o.put("params_unshared", r.paramsUnshared());
        o.put("params_fc_equivalent", r.paramsDense());
        o.put("macs", r.macs());
        o.put("activation_bytes", r.activationBytes());
        o.put("tied", r.tied());
        return o;
    }
}
