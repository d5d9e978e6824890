package org.nabla4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.nabla4j.DType;
import org.nabla4j.NDArray;
import org.nabla4j.Nabla;

class HeatEquationTest {
    @Test
    void aStepSpreadsAPointOfHeatToItsFourNeighbours() {
        float[] t = new float[25];
        t[12] = 1;
        float[] next = HeatEquation.step(NDArray.of(t, 5, 5)).toFloatArray();
        assertEquals(1 - 4 * 0.2f, next[12], 1e-7f);
        for (int neighbour : new int[] {7, 11, 13, 17}) assertEquals(0.2f, next[neighbour], 1e-7f);
        assertEquals(1, NDArray.of(next, 5, 5).astype(DType.F64).sum().item(), 1e-6);
    }

    @Test
    void heatLeavesThroughTheColdEdges() {
        NDArray u = NDArray.ones(DType.F32, 4, 4);
        NDArray next = HeatEquation.step(u);
        assertTrue(next.sum().item() < u.sum().item());
        assertEquals(1f, next.toFloatArray()[5], 1e-7f);   // an interior cell of a uniform plate does not change
    }

    @Test
    void jitOfAStepEqualsTheEagerStep() {
        NDArray u = HeatEquation.initial(32);
        for (int i = 0; i < 5; i++) u = HeatEquation.step(u);
        assertArrayEquals(HeatEquation.step(u).toFloatArray(), Nabla.jit(HeatEquation::step).apply(u).toFloatArray());
    }

    @Test
    void theComparisonPrintsAllThreeTimesAndIdenticalResults() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HeatEquation.compare(32, 5, new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        for (String s : new String[] {"eager", "compiled", "interpreter", "largest difference between the three results: 0.00e+00"}) {
            assertTrue(text.contains(s), text);
        }
    }
}
