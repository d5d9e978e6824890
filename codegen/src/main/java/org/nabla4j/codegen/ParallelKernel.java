package org.nabla4j.codegen;

import java.lang.invoke.MethodHandle;
import org.nabla4j.codegen.kernels.Workers;

/**
 * Runs a generated loop in parallel parts: the range {@code [0, range)} is cut into a few parts
 * per core (aligned to 64 so vector main loops stay whole), and the caller and the {@link Workers}
 * take parts until none are left. Taking parts, rather than one fixed half each, keeps a busy core
 * from holding up the call.
 */
final class ParallelKernel implements RuntimeStep {
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final int PARTS_PER_CORE = 4;
    private static final int ALIGN = 64;

    private final MethodHandle kernel;
    private final int range;
    private final int partSize;

    /** @param kernel a generated {@code (Object[] buffers, int lo, int hi)void} method */
    ParallelKernel(MethodHandle kernel, int range, boolean alignParts) {
        this.kernel = kernel;
        this.range = range;
        int parts = Math.min(range, CORES * PARTS_PER_CORE);
        int size = (range + parts - 1) / parts;
        this.partSize = alignParts ? (size + ALIGN - 1) / ALIGN * ALIGN : size;
    }

    @Override
    public void run(Object[] buffers) {
        int parts = (range + partSize - 1) / partSize;
        Workers.run(parts, part -> call(buffers, part * partSize, Math.min(range, (part + 1) * partSize)));
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
