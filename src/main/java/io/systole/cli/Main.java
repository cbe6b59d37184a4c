package io.systole.cli;

import io.systole.model.ModelException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code systole} command. */
@Command(name = "systole", mixinStandardHelpOptions = true, version = "systole 0.1.0",
        description = "Hardware/software co-design of convolutional neural networks.",
        subcommands = {ZooCommand.class, SummaryCommand.class, ImportCommand.class, ExportOnnxCommand.class,
            QuantizeCommand.class, SimulateCommand.class, RunCommand.class, VerifyCommand.class, ProfileCommand.class,
            DevicesCommand.class, CompileKernelsCommand.class, ExportHlsCommand.class, TrainCommand.class,
            EvalCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given streams; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ModelException || e instanceof IOException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException) {
                cmd.getErr().println("systole: error: " + e.getMessage());
                cmd.getErr().flush();
                return 1;
            }
            throw e;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
