package org.nabla4j.codegen;

import java.util.List;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Tensor;

/**
 * The carried values of a compiled loop: one buffer per value that the loop's sub-programs read
 * as an input, and a staging buffer per value. Buffers are allocated on the first entry in a
 * call and reused by later entries (a loop nested in another loop), so iterations allocate
 * nothing. An iteration's results are copied to staging before any is swapped in, so a body that
 * permutes its carry (returns {@code (b, a)} for {@code (a, b)}) reads the old values. A result
 * that the body writes afresh each iteration into a buffer of its own is swapped in without a copy.
 */
final class LoopCarry {
    private final int[] carry, staging, size;
    private final boolean[] swapOnly;
    private final AbstractArray[] types;

    /**
     * @param swapOnly per value, whether its result slot is written by a step of the body every
     *     iteration and read by nothing else after the iteration (then the buffers are exchanged)
     */
    LoopCarry(int[] carry, int[] staging, List<AbstractArray> types, boolean[] swapOnly) {
        this.carry = carry.clone();
        this.staging = staging.clone();
        this.swapOnly = swapOnly.clone();
        this.types = types.toArray(AbstractArray[]::new);
        this.size = types.stream().mapToInt(t -> t.shape().size()).toArray();
    }

    /** Copies the initial values in; the caller's buffers are never written. */
    void enter(Object[] buffers, Source[] init) {
        for (int j = 0; j < carry.length; j++) {
            if (buffers[carry[j]] == null) {
                buffers[carry[j]] = Tensor.allocate(types[j].dtype(), size[j]);
                buffers[staging[j]] = Tensor.allocate(types[j].dtype(), size[j]);
            }
            System.arraycopy(init[j].read(buffers), 0, buffers[carry[j]], 0, size[j]);
        }
    }

    /** Makes the iteration's results the carry. */
    void advance(Object[] buffers, Source[] next) {
        for (int j = 0; j < carry.length; j++) {
            if (!swapOnly[j]) System.arraycopy(next[j].read(buffers), 0, buffers[staging[j]], 0, size[j]);
        }
        for (int j = 0; j < carry.length; j++) {
            int from = swapOnly[j] ? next[j].slot() : staging[j];
            Object t = buffers[carry[j]];
            buffers[carry[j]] = buffers[from];
            buffers[from] = t;
        }
    }

    /** Hands the final carry to the loop's result slots. */
    void exit(Object[] buffers, int[] results) {
        for (int j = 0; j < carry.length; j++) buffers[results[j]] = buffers[carry[j]];
    }
}
