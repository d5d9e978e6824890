package org.nabla4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewtonLogisticTest {
    @Test
    void newtonReachesAGradientNormBelow1e8InAtMost15Iterations() {
        NewtonLogistic.Result r = NewtonLogistic.fit(LabeledData.wine().standardized(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertTrue(r.gradientNorm() < 1e-8, "gradient norm " + r.gradientNorm());
        assertTrue(r.iterations().size() <= 15, r.iterations().size() + " iterations");
        List<NewtonLogistic.Iteration> it = r.iterations();
        for (int k = 1; k < it.size(); k++) assertTrue(it.get(k).loss() < it.get(k - 1).loss(), "the loss decreases at every step");
        // Quadratic convergence: near the optimum each gradient norm is at most a constant (about 16 here) times the square of the previous one.
        NewtonLogistic.Iteration last = it.getLast();
        assertTrue(r.gradientNorm() < 100 * last.gradientNorm() * last.gradientNorm(), r.gradientNorm() + " vs " + last.gradientNorm());
        assertTrue(r.accuracy() > 0.99, "training accuracy " + r.accuracy());
    }

    @Test
    void choleskySolvesASymmetricPositiveDefiniteSystem() {
        double[][] a = {{4, 2, 0}, {2, 5, 1}, {0, 1, 3}};
        assertArrayEquals(new double[] {1, 2, 3}, Cholesky.solve(a, new double[] {8, 15, 11}), 1e-12);
    }
}
