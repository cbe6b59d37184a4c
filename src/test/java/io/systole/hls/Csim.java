package io.systole.hls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command in an exported project's folder: its exit code and its output (stdout and stderr). */
final class Csim {
    /** Longest a build and C simulation may take, seconds. */
    static final long TIMEOUT_S = 120;

    record Result(int code, String output) {
    }

    private Csim() {
    }

    /** {@code make csim} in the project folder. */
    static Result make(Path project) throws IOException, InterruptedException {
        return run(project, List.of("make", "-s", "csim"));
    }

    static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " in " + dir + " ran longer than " + TIMEOUT_S + " s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
