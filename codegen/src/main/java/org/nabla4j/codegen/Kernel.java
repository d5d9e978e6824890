package org.nabla4j.codegen;

import org.nabla4j.DType;
import org.nabla4j.ir.Primitive;

/** A fused loop nest: the unit the emitter turns into one method. */
sealed interface Kernel {
    /** The iteration space. */
    int[] shape();

    LoopExpr body();

    int outSlot();

    DType outType();

    /** {@code out[row-major index] = body} for every index of {@code shape}. */
    record Elementwise(int[] shape, LoopExpr body, int outSlot, DType outType) implements Kernel {}

    /**
     * {@code out[outAccess(index)] = combine(out[…], body(index))} over {@code shape}, with out
     * first filled with the monoid's identity; outAccess has stride 0 on the reduced axes.
     */
    record Reduce(int[] shape, LoopExpr body, Primitive monoid, LoopExpr.Access outAccess, int outSize, int outSlot, DType outType)
            implements Kernel {}
}
