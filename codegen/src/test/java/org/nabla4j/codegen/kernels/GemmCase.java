package org.nabla4j.codegen.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

/**
 * One randomly filled matmul call, checked element by element against a naive triple loop in
 * double precision. Every array has random data around the region the call may touch, so a write
 * outside C's rows, or into the padding between them, is caught too.
 *
 * <p>Tolerance: the sum of k products in working precision (unit roundoff {@code u}) with FMAs in
 * any order is within {@code (k + 2)·u·Σ|a·b|} of the exact sum; the bias and the old C add two
 * more roundings and tanh a few ulp of a value at most 1. Allowed: {@code 4u·((k + 4)·mag + 1)}
 * with {@code mag = Σ|a·b| + |bias| + |C_old|}.
 */
record GemmCase(int batch, int m, int n, int k, boolean transA, boolean transB,
                int padA, int padB, int padC, int offA, int offB, int offC, boolean sharedB,
                Epilogue epilogue, int threads, long seed) {

    MatmulSpec spec() {
        int lda = (transA ? m : k) + padA, ldb = (transB ? k : n) + padB, ldc = n + padC;
        int strideA = (transA ? k : m) * lda, strideB = sharedB ? 0 : (transB ? n : k) * ldb, strideC = m * ldc;
        return new MatmulSpec(batch, m, n, k, transA, transB, lda, ldb, ldc, strideA, strideB, strideC, epilogue, threads);
    }

    int biasLength() {
        return switch (epilogue.bias()) {
            case NONE -> 0;
            case ALONG_N -> n;
            case ALONG_M -> m;
        };
    }

    /** Runs the case on f32 arrays with {@code gemm} and checks every element of every array. */
    void checkF32(Gemm gemm) {
        MatmulSpec s = spec();
        Random r = new Random(seed);
        double[] a = random(r, offA + s.extentA() + 3), b = random(r, offB + s.extentB() + 3);
        double[] c = random(r, offC + s.extentC() + 3), bias = random(r, biasLength() + 3);
        float[] af = toFloat(a), bf = toFloat(b), cf = toFloat(c), biasf = toFloat(bias);
        a = toDouble(af);
        b = toDouble(bf);
        c = toDouble(cf);
        bias = toDouble(biasf);
        gemm.matmul(s, af, offA, bf, offB, cf, offC, epilogue.bias() == Epilogue.Bias.NONE ? null : biasf, 1);
        compare(s, a, b, c, bias, toDouble(cf), 0x1p-24);
    }

    /** Runs the case on f64 arrays with {@code gemm} and checks every element of every array. */
    void checkF64(Gemm gemm) {
        MatmulSpec s = spec();
        Random r = new Random(seed);
        double[] a = random(r, offA + s.extentA() + 3), b = random(r, offB + s.extentB() + 3);
        double[] c = random(r, offC + s.extentC() + 3), bias = random(r, biasLength() + 3);
        double[] out = c.clone();
        gemm.matmul(s, a, offA, b, offB, out, offC, epilogue.bias() == Epilogue.Bias.NONE ? null : bias, 1);
        compare(s, a, b, c, bias, out, 0x1p-53);
    }

    /** {@code c} is C before the call, {@code out} after it. */
    private void compare(MatmulSpec s, double[] a, double[] b, double[] c, double[] bias, double[] out, double u) {
        boolean[] product = new boolean[out.length];
        for (int t = 0; t < batch; t++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, mag = 0;
                    for (int p = 0; p < k; p++) {
                        double x = a[offA + t * s.strideA() + (transA ? p * s.lda() + i : i * s.lda() + p)];
                        double y = b[offB + t * s.strideB() + (transB ? j * s.ldb() + p : p * s.ldb() + j)];
                        sum += x * y;
                        mag += Math.abs(x * y);
                    }
                    double add = switch (epilogue.bias()) {
                        case NONE -> 0;
                        case ALONG_N -> bias[1 + j];
                        case ALONG_M -> bias[1 + i];
                    };
                    int ci = offC + t * s.strideC() + i * s.ldc() + j;
                    double old = epilogue.accumulate() ? c[ci] : 0;
                    double expected = epilogue.activation().apply(sum + add + old);
                    double tol = 4 * u * ((k + 4) * (mag + Math.abs(add) + Math.abs(old)) + 1);
                    if (!(Math.abs(out[ci] - expected) <= tol)) {
                        assertEquals(expected, out[ci], tol, this + ": C[" + t + "][" + i + "][" + j + "]");
                    }
                    product[ci] = true;
                }
            }
        }
        for (int x = 0; x < out.length; x++) {
            if (!product[x]) assertEquals(c[x], out[x], 0.0, this + ": element " + x + " outside the product was written");
        }
    }

    private static double[] random(Random r, long length) {
        double[] x = new double[Math.toIntExact(length)];
        for (int i = 0; i < x.length; i++) x[i] = 2 * r.nextDouble() - 1;
        return x;
    }

    private static float[] toFloat(double[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) x[i];
        return y;
    }

    private static double[] toDouble(float[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i];
        return y;
    }
}
