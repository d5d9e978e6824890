package org.nabla4j.codegen.kernels;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The f64 tile kernel: a 4 × 2-vector register tile (8 accumulators, 2 B vectors, 4 broadcast A
 * values: 14 of AVX2's 16 vector registers), fed from packed panels; the k loop is one
 * broadcast-FMA per accumulator and step.
 *
 * <p>The same code as {@link VectorKernelF32} (which says why the tile is 4 × 2) for doubles.
 *
 * <p>The species is a {@code static final} constant so C2 intrinsifies every vector operation.
 * Its width comes from {@link KernelConfig#bits}: the configured default for this class as
 * loaded, or the class data of a hidden copy that {@link KernelConfig} defines for another width
 * from these same bytes. So this class must stay self-contained: no nested classes, lambdas or
 * enum switches, whose helper classes would not follow the copy.
 */
final class VectorKernelF64 implements TileKernel {
    static final VectorSpecies<Double> S =
            VectorSpecies.of(double.class, VectorShape.forBitSize(KernelConfig.bits(MethodHandles.lookup())));
    static final int L = S.length();
    static final int MR = 4;
    static final int NR = 2 * L;
    /** Depth of a block: a B panel ({@code KC × NR}, 16 KiB at 256 bits) stays in the 32 KiB L1. */
    static final int KC = 256;
    /** Rows of a packed A block: 144 KiB, a good third of a 512 KiB L2. */
    static final int MC = 144 * 1024 / (KC * Double.BYTES) / MR * MR;
    /** Columns of a packed B block, which lives in L3. */
    static final int NC = 4096 / NR * NR;
    /** Elements of the output a transposed matrix-vector product accumulates at once (32 KiB at f64). */
    static final int MATVEC_CHUNK = 4096;
    private static final double[] ZEROS = new double[NR];

    @Override public int mr() { return MR; }
    @Override public int nr() { return NR; }
    @Override public int mc() { return MC; }
    @Override public int kc() { return KC; }
    @Override public int nc() { return NC; }
    @Override public int vectorBits() { return S.vectorBitSize(); }

    @Override
    public void block(Object packedA, Object packedB, int mc, int nc, int kc,
                      Object cArray, int cOff, int ldc, int mode, Object biasArray, int biasOff, Object tileArray) {
        double[] a = (double[]) packedA, b = (double[]) packedB, c = (double[]) cArray;
        double[] bias = (double[]) biasArray, tile = (double[]) tileArray;
        boolean biasM = (mode & TileMode.BIAS_M) != 0;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int co = cOff + ir * ldc + jr, bo = biasOff + (biasM ? ir : jr);
                if (mr == MR && nr == NR) {
                    tile(a, ir * kc, b, jr * kc, kc, c, co, ldc, mode, bias, bo);
                } else {
                    tile(a, ir * kc, b, jr * kc, kc, tile, 0, NR, 0, bias, 0);
                    Epilogues.store(tile, NR, mr, nr, c, co, ldc, mode, bias, bo);
                }
            }
        }
    }

    /**
     * Row-major B: each depth level's row of a panel is {@code NR} contiguous values on both sides,
     * so two vector moves per panel and level instead of scalar ones; the last, partial panel is
     * copied and zero-padded by {@link Pack}. Transposed B is gathered by {@link Pack}.
     */
    @Override
    public void packB(Object bArray, int off, int ldb, boolean trans, int kc, int nc, Object dstArray, int dstOff) {
        double[] b = (double[]) bArray, dst = (double[]) dstArray;
        int full = nc / NR * NR;
        if (trans || full == 0) {
            Pack.packB(b, off, ldb, trans, kc, nc, NR, dst, dstOff);
            return;
        }
        for (int p = 0; p < kc; p++) {
            int s = off + p * ldb;
            for (int j = 0, d = dstOff + p * NR; j < full; j += NR, d += NR * kc) {
                DoubleVector.fromArray(S, b, s + j).intoArray(dst, d);
                DoubleVector.fromArray(S, b, s + j + L).intoArray(dst, d + L);
            }
        }
        if (full < nc) Pack.packB(b, off + full, ldb, false, kc, nc - full, NR, dst, dstOff + full * kc);
    }

    @Override
    public void matvec(Object aArray, int aOff, int lda, boolean trans, Object xArray, int xOff, int m, int k, Object outArray) {
        double[] a = (double[]) aArray, x = (double[]) xArray, out = (double[]) outArray;
        if (!trans) {
            for (int i = 0; i < m; i++) out[i] = dot(a, aOff + i * lda, x, xOff, k);
            return;
        }
        for (int i0 = 0; i0 < m; i0 += MATVEC_CHUNK) {
            int len = Math.min(MATVEC_CHUNK, m - i0);
            java.util.Arrays.fill(out, i0, i0 + len, 0d);
            for (int p = 0; p < k; p++) axpy(x[xOff + p], a, aOff + p * lda + i0, out, i0, len);
        }
    }

    /** {@code Σ a[ao + p]·x[xo + p]} over {@code p < k}: four vector accumulators, a vector tail, a scalar tail. */
    private static double dot(double[] a, int ao, double[] x, int xo, int k) {
        DoubleVector s0 = DoubleVector.zero(S), s1 = DoubleVector.zero(S), s2 = DoubleVector.zero(S), s3 = DoubleVector.zero(S);
        int p = 0;
        for (; p + 4 * L <= k; p += 4 * L) {
            s0 = DoubleVector.fromArray(S, a, ao + p).fma(DoubleVector.fromArray(S, x, xo + p), s0);
            s1 = DoubleVector.fromArray(S, a, ao + p + L).fma(DoubleVector.fromArray(S, x, xo + p + L), s1);
            s2 = DoubleVector.fromArray(S, a, ao + p + 2 * L).fma(DoubleVector.fromArray(S, x, xo + p + 2 * L), s2);
            s3 = DoubleVector.fromArray(S, a, ao + p + 3 * L).fma(DoubleVector.fromArray(S, x, xo + p + 3 * L), s3);
        }
        for (; p + L <= k; p += L) s0 = DoubleVector.fromArray(S, a, ao + p).fma(DoubleVector.fromArray(S, x, xo + p), s0);
        double sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) sum += a[ao + p] * x[xo + p];
        return sum;
    }

    /** {@code out[o + i] += alpha·a[ao + i]} for {@code i < len}: a vector loop, then a scalar tail. */
    private static void axpy(double alpha, double[] a, int ao, double[] out, int o, int len) {
        DoubleVector av = DoubleVector.broadcast(S, alpha);
        int i = 0;
        for (; i + L <= len; i += L) DoubleVector.fromArray(S, a, ao + i).fma(av, DoubleVector.fromArray(S, out, o + i)).intoArray(out, o + i);
        for (; i < len; i++) out[o + i] += alpha * a[ao + i];
    }

    /** One full MR × NR tile: the k loop, the store, then the epilogue. */
    private static void tile(double[] a, int ao, double[] b, int bo, int kc,
                             double[] c, int co, int ldc, int mode, double[] bias, int biasOff) {
        // Accumulators start from C (a later k block, or accumulating) or from zeros: loads either
        // way, so C2 parses one straight-line body within its inlining node budget.
        boolean load = (mode & TileMode.LOAD_C) != 0;
        double[] init = load ? c : ZEROS;
        int i0 = load ? co : 0, ld = load ? ldc : 0;
        DoubleVector c00 = DoubleVector.fromArray(S, init, i0), c01 = DoubleVector.fromArray(S, init, i0 + L);
        DoubleVector c10 = DoubleVector.fromArray(S, init, i0 + ld), c11 = DoubleVector.fromArray(S, init, i0 + ld + L);
        DoubleVector c20 = DoubleVector.fromArray(S, init, i0 + 2 * ld), c21 = DoubleVector.fromArray(S, init, i0 + 2 * ld + L);
        DoubleVector c30 = DoubleVector.fromArray(S, init, i0 + 3 * ld), c31 = DoubleVector.fromArray(S, init, i0 + 3 * ld + L);
        for (int p = 0; p < kc; p++) {
            int pa = ao + p * MR, pb = bo + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(S, b, pb);
            DoubleVector b1 = DoubleVector.fromArray(S, b, pb + L);
            DoubleVector x = DoubleVector.broadcast(S, a[pa]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(S, a[pa + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(S, a[pa + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(S, a[pa + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        if ((mode & ~TileMode.LOAD_C) != 0) epilogue(c, co, ldc, mode, bias, biasOff);
    }

    /**
     * Bias and activation of the tile just stored, while it is in L1. Applied to the accumulators
     * in registers, the epilogue is inlined eight times into {@link #tile}; C2 then gives up
     * inlining part of it ("too big", or NodeCountInliningCutoff with larger tiles) and boxes
     * those vectors, ten times slower. One row loop costs 16 L1 accesses per tile, against
     * {@code 8·kc} FMAs.
     */
    private static void epilogue(double[] c, int co, int ldc, int mode, double[] bias, int biasOff) {
        boolean biasN = (mode & TileMode.BIAS_N) != 0, biasM = (mode & TileMode.BIAS_M) != 0;
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector n0 = biasN ? DoubleVector.fromArray(S, bias, biasOff) : zero;
        DoubleVector n1 = biasN ? DoubleVector.fromArray(S, bias, biasOff + L) : zero;
        for (int r = 0; r < MR; r++) {
            int o = co + r * ldc;
            DoubleVector v0 = DoubleVector.fromArray(S, c, o), v1 = DoubleVector.fromArray(S, c, o + L);
            if (biasN) {
                v0 = v0.add(n0);
                v1 = v1.add(n1);
            } else if (biasM) {
                DoubleVector x = DoubleVector.broadcast(S, bias[biasOff + r]);
                v0 = v0.add(x);
                v1 = v1.add(x);
            }
            if ((mode & TileMode.RELU) != 0) {
                v0 = v0.max(zero);
                v1 = v1.max(zero);
            } else if ((mode & TileMode.TANH) != 0) {
                v0 = v0.lanewise(VectorOperators.TANH);
                v1 = v1.lanewise(VectorOperators.TANH);
            }
            v0.intoArray(c, o);
            v1.intoArray(c, o + L);
        }
    }
}
