package org.nabla4j.codegen;

import java.util.List;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Tensor;

/**
 * The run-time side of a compiled {@code scan}. Generated code runs
 * {@code n = enter(b); for (t = 0; t < n; t++) { begin(b, t); <body steps>; end(b, t); } exit(b)}
 * in one method; these calls only copy a row in and out and swap the carry.
 */
final class ScanLoop {
    private final int length;
    private final boolean reverse;
    private final Source[] init;
    private final LoopCarry carry;
    private final Source[] carryOut;
    private final int[] carryResults;
    private final int[] xs, rows, rowSize;
    private final Source[] yOut;
    private final int[] ysResults, ySize;
    private final AbstractArray[] rowTypes, yTypes;

    /**
     * @param init the initial carry; carry/staging the carry's buffers (read by the body); carryOut
     *     the body's carry results
     * @param xs the scanned operands' slots; rows the slots the body reads step {@code i}'s row from
     * @param yOut the body's per-step outputs; ysResults the stacked results' slots
     */
    ScanLoop(int length, boolean reverse, Source[] init, int[] carrySlots, int[] staging, List<AbstractArray> carryTypes,
             boolean[] swapOnly, Source[] carryOut, int[] carryResults, int[] xs, int[] rows, List<AbstractArray> rowTypes,
             Source[] yOut, int[] ysResults, List<AbstractArray> yTypes) {
        this.length = length;
        this.reverse = reverse;
        this.init = init.clone();
        this.carry = new LoopCarry(carrySlots, staging, carryTypes, swapOnly);
        this.carryOut = carryOut.clone();
        this.carryResults = carryResults.clone();
        this.xs = xs.clone();
        this.rows = rows.clone();
        this.rowTypes = rowTypes.toArray(AbstractArray[]::new);
        this.rowSize = rowTypes.stream().mapToInt(t -> t.shape().size()).toArray();
        this.yOut = yOut.clone();
        this.ysResults = ysResults.clone();
        this.yTypes = yTypes.toArray(AbstractArray[]::new);
        this.ySize = yTypes.stream().mapToInt(t -> t.shape().size()).toArray();
    }

    /** Sets up the carry, the row buffers and the stacked outputs; returns the trip count. */
    int enter(Object[] buffers) {
        carry.enter(buffers, init);
        for (int j = 0; j < rows.length; j++) {
            if (buffers[rows[j]] == null) buffers[rows[j]] = Tensor.allocate(rowTypes[j].dtype(), rowSize[j]);
        }
        for (int j = 0; j < ysResults.length; j++) buffers[ysResults[j]] = Tensor.allocate(yTypes[j].dtype(), length * ySize[j]);
        return length;
    }

    /** Copies row {@code i} of every scanned operand (i = t, or n-1-t in reverse). */
    void begin(Object[] buffers, int t) {
        int i = reverse ? length - 1 - t : t;
        for (int j = 0; j < xs.length; j++) System.arraycopy(buffers[xs[j]], i * rowSize[j], buffers[rows[j]], 0, rowSize[j]);
    }

    /** Stores the step's outputs in row {@code i} and makes its carry results the carry. */
    void end(Object[] buffers, int t) {
        int i = reverse ? length - 1 - t : t;
        for (int j = 0; j < yOut.length; j++) System.arraycopy(yOut[j].read(buffers), 0, buffers[ysResults[j]], i * ySize[j], ySize[j]);
        carry.advance(buffers, carryOut);
    }

    void exit(Object[] buffers) {
        carry.exit(buffers, carryResults);
    }
}
