package org.nabla4j.codegen;

import java.lang.invoke.MethodHandle;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Runs a generated loop in parallel parts: the range {@code [0, range)} is cut into one part per
 * core (aligned to 64 so vector main loops stay whole), the caller runs the first and the common
 * fork-join pool the others.
 */
final class ParallelKernel implements RuntimeStep {
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final int ALIGN = 64;

    private final MethodHandle kernel;
    private final int range;
    private final boolean alignParts;

    /** @param kernel a generated {@code (Object[] buffers, int lo, int hi)void} method */
    ParallelKernel(MethodHandle kernel, int range, boolean alignParts) {
        this.kernel = kernel;
        this.range = range;
        this.alignParts = alignParts;
    }

    @Override
    public void run(Object[] buffers) {
        int parts = Math.min(CORES, range);
        int size = (range + parts - 1) / parts;
        if (alignParts) size = (size + ALIGN - 1) / ALIGN * ALIGN;
        @SuppressWarnings("unchecked")
        ForkJoinTask<Void>[] others = new ForkJoinTask[parts];
        int n = 0;
        for (int lo = size; lo < range; lo += size) {
            int from = lo, to = Math.min(range, lo + size);
            others[n++] = ForkJoinPool.commonPool().submit(() -> call(buffers, from, to), null);
        }
        call(buffers, 0, Math.min(range, size));
        for (int i = 0; i < n; i++) others[i].join();
    }

    private void call(Object[] buffers, int lo, int hi) {
        try {
            kernel.invokeExact(buffers, lo, hi);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
