package org.nabla4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nabla4j.Nabla;

class DigitsFirstStepsTest {
    @Test
    void theDigitsResourceLoadsCompletely() {
        Digits d = Digits.load();
        assertArrayEquals(new int[] {1797, 64}, d.pixels().shape());
        assertEquals(16.0 / 16, d.pixels().max().item());
        assertEquals(9.0, d.labels().max().item());
    }

    @Test
    void theNearestCentroidClassifierIsFarBetterThanChanceAndJitAgrees() {
        Digits d = Digits.load();
        double eager = DigitsFirstSteps.centroidAccuracy(d.pixels(), d.labels()).item();
        double jitted = Nabla.jit(DigitsFirstSteps::centroidAccuracy).apply(d.pixels(), d.labels()).item();
        assertTrue(eager > 0.85, "accuracy " + eager);
        assertEquals(eager, jitted, 1e-6);
    }
}
