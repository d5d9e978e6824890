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
import org.nabla4j.Optimizers;
import org.nabla4j.Random;
import org.nabla4j.examples.PerSampleClipping.Examples;
import org.nabla4j.examples.PerSampleClipping.Params;

class PerSampleClippingTest {
    final LabeledData data = LabeledData.breastCancer().standardized();
    final Examples all = new Examples(data.x(), data.y().astype(DType.F64));
    final Examples batch = all.rows(0, 32);

    static void assertSameParams(Params expected, Params actual) {
        assertArrayEquals(expected.w().toDoubleArray(), actual.w().toDoubleArray(), 1e-14);
        assertEquals(expected.b().item(), actual.b().item(), 1e-14);
    }

    @Test
    void vmapOfClippedGradientsEqualsTheLoopWhenClippingIsActive() {
        Params p = new Params(Random.normal(Random.key(1), DType.F64, 30), NDArray.scalar(0.5));
        int clipped = PerSampleClipping.clippedCount(p, batch);
        assertTrue(clipped > 0 && clipped < batch.size(), clipped + " of " + batch.size() + " clipped: both cases must occur");
        assertSameParams(PerSampleClipping.clippedMeanGradientByLoop(p, batch), PerSampleClipping.clippedMeanGradient(p, batch));
    }

    @Test
    void withoutClippingTheMeanOfPerExampleGradientsIsTheBatchGradient() {
        Params zero = new Params(NDArray.zeros(DType.F64, 30), NDArray.scalar(0.0));
        Examples small = new Examples(batch.x().mul(1e-2), batch.y());   // scaled-down features: every gradient is shorter than C
        assertEquals(0, PerSampleClipping.clippedCount(zero, small));
        assertSameParams(Nabla.grad(PerSampleClipping::loss).apply(zero, small), PerSampleClipping.clippedMeanGradient(zero, small));
    }

    @Test
    void theClippedMeanIsNoLongerThanTheBound() {
        Params p = new Params(Random.normal(Random.key(5), DType.F64, 30).mul(10), NDArray.scalar(0.0));
        assertTrue(Optimizers.globalNorm(PerSampleClipping.clippedMeanGradient(p, batch)).item() <= PerSampleClipping.CLIP + 1e-12);
    }

    @Test
    void dpSgdLearnsTheTask() {
        Examples shuffled = all.shuffled(Random.key(3));
        Examples test = shuffled.rows(0, 113), train = shuffled.rows(113, shuffled.size());
        Params p = PerSampleClipping.train(train, test, 3, 0.5, Random.key(4), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertTrue(PerSampleClipping.accuracy(p, test) > 0.9, "test accuracy " + PerSampleClipping.accuracy(p, test));
    }
}
