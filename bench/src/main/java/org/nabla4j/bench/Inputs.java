package org.nabla4j.bench;

import java.util.SplittableRandom;
import org.nabla4j.NDArray;

/** Deterministic benchmark inputs (the NumPy twins draw from the same distributions). */
final class Inputs {
    private Inputs() {}

    /** Uniform f32 values in {@code [lo, hi)}. */
    static float[] uniform(long seed, double lo, double hi, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return v;
    }

    /** Normal f32 values with mean 0 and standard deviation {@code scale}. */
    static float[] normal(long seed, double scale, int n) {
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return v;
    }

    /** Integers in {@code [0, bound)}. */
    static int[] labels(long seed, int bound, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(bound);
        return v;
    }

    static NDArray array(float[] data, int... shape) {
        return NDArray.of(data, shape);
    }
}
