package io.systole.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * A fixed set of threads that run tasks 0..T-1 together and wait for all of them: task 0 on the
 * calling thread, the others on daemon threads. Which task does which part of the work is
 * fixed, so results that are combined in task order are reproducible.
 */
final class Workers implements AutoCloseable {
    private final int threads;
    private final ExecutorService pool;

    Workers(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "systole-train");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs task(t) for t in [0, threads) in parallel; rethrows the first failure. */
    void run(IntConsumer task) {
        List<Future<?>> others = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            int id = t;
            others.add(pool.submit(() -> task.accept(id)));
        }
        RuntimeException failure = null;
        try {
            task.accept(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for worker threads", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
