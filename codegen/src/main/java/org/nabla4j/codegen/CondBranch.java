package org.nabla4j.codegen;

import java.util.List;
import org.nabla4j.ir.AbstractArray;

/**
 * The run-time side of a compiled {@code cond}: generated code jumps to the steps of branch
 * {@code enter(b)} (the index clamped to the branches, as the interpreter does), then calls
 * {@code exit(b, branch)}. Branches read the operands' buffers directly.
 */
final class CondBranch {
    private final Source index;
    private final Source[][] outputs;
    private final int[] results;
    private final AbstractArray[] types;

    CondBranch(Source index, Source[][] outputs, int[] results, List<AbstractArray> types) {
        this.index = index;
        this.outputs = outputs.clone();
        this.results = results.clone();
        this.types = types.toArray(AbstractArray[]::new);
    }

    /** Per branch, where its results come from. */
    Source[][] outputs() {
        return outputs.clone();
    }

    int enter(Object[] buffers) {
        int i = ((int[]) index.read(buffers))[0];
        return Math.max(0, Math.min(outputs.length - 1, i));
    }

    /** The branch's outputs become the results (by reference: every consumer runs before the branch's buffers are written again). */
    void exit(Object[] buffers, int branch) {
        for (int j = 0; j < results.length; j++) buffers[results[j]] = outputs[branch][j].take(buffers, types[j]);
    }
}
