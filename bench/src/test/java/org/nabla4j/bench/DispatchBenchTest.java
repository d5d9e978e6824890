package org.nabla4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The benchmark measures what it says: both variants compute x * 2 + 1. */
class DispatchBenchTest {
    @Test
    void eagerAndJitComputeTheSameValues() {
        DispatchBench b = new DispatchBench();
        b.setup();
        float[] expected = {3, 5, 7, 9, 11, 13, 15, 17};
        assertArrayEquals(expected, b.eager().toFloatArray());
        assertArrayEquals(expected, b.jit().toFloatArray());
    }
}
