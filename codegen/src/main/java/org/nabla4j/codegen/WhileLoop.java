package org.nabla4j.codegen;

import java.util.List;
import org.nabla4j.ir.AbstractArray;

/**
 * The run-time side of a compiled {@code while}. Generated code runs
 * {@code enter(b); while (true) { <cond steps>; if (!test(b)) break; <body steps>; end(b); } exit(b)}
 * in one method.
 */
final class WhileLoop {
    private final Source[] init;
    private final LoopCarry carry;
    private final Source test;
    private final Source[] carryOut;
    private final int[] results;

    WhileLoop(Source[] init, int[] carrySlots, int[] staging, List<AbstractArray> carryTypes, boolean[] swapOnly, Source test,
              Source[] carryOut, int[] results) {
        this.init = init.clone();
        this.carry = new LoopCarry(carrySlots, staging, carryTypes, swapOnly);
        this.test = test;
        this.carryOut = carryOut.clone();
        this.results = results.clone();
    }

    void enter(Object[] buffers) {
        carry.enter(buffers, init);
    }

    boolean test(Object[] buffers) {
        return ((boolean[]) test.read(buffers))[0];
    }

    void end(Object[] buffers) {
        carry.advance(buffers, carryOut);
    }

    void exit(Object[] buffers) {
        carry.exit(buffers, results);
    }
}
