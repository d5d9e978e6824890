package org.nabla4j.codegen.kernels;

/**
 * The tile kernel without the Vector API: the fallback when the {@code jdk.incubator.vector}
 * module is absent, and the "scalar" forced width. A 4 × 4 tile accumulated in the tile array,
 * then stored through {@link Epilogues}.
 */
final class ScalarKernel implements TileKernel {
    static final ScalarKernel F32 = new ScalarKernel(false);
    static final ScalarKernel F64 = new ScalarKernel(true);

    private static final int MR = 4, NR = 4;
    private final boolean f64;

    private ScalarKernel(boolean f64) {
        this.f64 = f64;
    }

    @Override public int mr() { return MR; }
    @Override public int nr() { return NR; }
    @Override public int mc() { return 64; }
    @Override public int kc() { return 256; }
    @Override public int nc() { return 1024; }
    @Override public int vectorBits() { return 0; }

    @Override
    public void block(Object packedA, Object packedB, int mc, int nc, int kc,
                      Object c, int cOff, int ldc, int mode, Object bias, int biasOff, Object tile) {
        boolean biasM = (mode & TileMode.BIAS_M) != 0;
        for (int jr = 0; jr < nc; jr += NR) {
            for (int ir = 0; ir < mc; ir += MR) {
                int co = cOff + ir * ldc + jr, bo = biasOff + (biasM ? ir : jr);
                int mr = Math.min(MR, mc - ir), nr = Math.min(NR, nc - jr);
                if (f64) {
                    double[] t = (double[]) tile;
                    tile((double[]) packedA, ir * kc, (double[]) packedB, jr * kc, kc, t);
                    Epilogues.store(t, NR, mr, nr, (double[]) c, co, ldc, mode, (double[]) bias, bo);
                } else {
                    float[] t = (float[]) tile;
                    tile((float[]) packedA, ir * kc, (float[]) packedB, jr * kc, kc, t);
                    Epilogues.store(t, NR, mr, nr, (float[]) c, co, ldc, mode, (float[]) bias, bo);
                }
            }
        }
    }

    @Override
    public void matvec(Object a, int aOff, int lda, boolean trans, Object x, int xOff, int m, int k, Object out) {
        if (f64) matvec((double[]) a, aOff, lda, trans, (double[]) x, xOff, m, k, (double[]) out);
        else matvec((float[]) a, aOff, lda, trans, (float[]) x, xOff, m, k, (float[]) out);
    }

    private static void matvec(float[] a, int aOff, int lda, boolean trans, float[] x, int xOff, int m, int k, float[] out) {
        for (int i = 0; i < m; i++) {
            float sum = 0;
            for (int p = 0; p < k; p++) sum += a[aOff + (trans ? p * lda + i : i * lda + p)] * x[xOff + p];
            out[i] = sum;
        }
    }

    private static void matvec(double[] a, int aOff, int lda, boolean trans, double[] x, int xOff, int m, int k, double[] out) {
        for (int i = 0; i < m; i++) {
            double sum = 0;
            for (int p = 0; p < k; p++) sum += a[aOff + (trans ? p * lda + i : i * lda + p)] * x[xOff + p];
            out[i] = sum;
        }
    }

    private static void tile(float[] a, int ao, float[] b, int bo, int kc, float[] t) {
        java.util.Arrays.fill(t, 0, MR * NR, 0f);
        for (int p = 0; p < kc; p++) {
            for (int r = 0; r < MR; r++) {
                float x = a[ao + p * MR + r];
                for (int j = 0; j < NR; j++) t[r * NR + j] += x * b[bo + p * NR + j];
            }
        }
    }

    private static void tile(double[] a, int ao, double[] b, int bo, int kc, double[] t) {
        java.util.Arrays.fill(t, 0, MR * NR, 0d);
        for (int p = 0; p < kc; p++) {
            for (int r = 0; r < MR; r++) {
                double x = a[ao + p * MR + r];
                for (int j = 0; j < NR; j++) t[r * NR + j] += x * b[bo + p * NR + j];
            }
        }
    }
}
