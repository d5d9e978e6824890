package org.nabla4j.codegen.kernels;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The f32 tile kernel: a 4 × 2-vector register tile (8 accumulators, 2 B vectors, 4 broadcast A
 * values: 14 of AVX2's 16 vector registers), fed from packed panels; the k loop is one
 * broadcast-FMA per accumulator and step.
 *
 * <p>Why 4 × 2: C2 schedules all broadcasts of a step ahead of the FMAs, so a tile needs
 * {@code accumulators + vectors per row + rows} registers. A 6 × 2 or 4 × 3 tile (12
 * accumulators) then spills an accumulator to the stack every step, and measured on AVX2 here
 * at 35-40 GFLOP/s against 97 for 4 × 2 with L1-resident panels (3 × 3 reached 88).
 *
 * <p>The species is a {@code static final} constant so C2 intrinsifies every vector operation.
 * Its width comes from {@link KernelConfig#bits}: the configured default for this class as
 * loaded, or the class data of a hidden copy that {@link KernelConfig} defines for another width
 * from these same bytes. So this class must stay self-contained: no nested classes, lambdas or
 * enum switches, whose helper classes would not follow the copy.
 */
final class VectorKernelF32 implements TileKernel {
    static final VectorSpecies<Float> S =
            VectorSpecies.of(float.class, VectorShape.forBitSize(KernelConfig.bits(MethodHandles.lookup())));
    static final int L = S.length();
    static final int MR = 4;
    static final int NR = 2 * L;
    /** Depth of a block: a B panel ({@code KC × NR}, 16 KiB at 256 bits) stays in the 32 KiB L1. */
    static final int KC = 256;
    /** Rows of a packed A block: 144 KiB, a good third of a 512 KiB L2. */
    static final int MC = 144 * 1024 / (KC * Float.BYTES) / MR * MR;
    /** Columns of a packed B block, which lives in L3. */
    static final int NC = 4096 / NR * NR;
    /** Elements of the output a transposed matrix-vector product accumulates at once (16 KiB at f32). */
    static final int MATVEC_CHUNK = 4096;
    private static final float[] ZEROS = new float[NR];

    @Override public int mr() { return MR; }
    @Override public int nr() { return NR; }
    @Override public int mc() { return MC; }
    @Override public int kc() { return KC; }
    @Override public int nc() { return NC; }
    @Override public int vectorBits() { return S.vectorBitSize(); }

    @Override
    public void block(Object packedA, Object packedB, int mc, int nc, int kc,
                      Object cArray, int cOff, int ldc, int mode, Object biasArray, int biasOff, Object tileArray) {
        float[] a = (float[]) packedA, b = (float[]) packedB, c = (float[]) cArray;
        float[] bias = (float[]) biasArray, tile = (float[]) tileArray;
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
        float[] b = (float[]) bArray, dst = (float[]) dstArray;
        int full = nc / NR * NR;
        if (trans || full == 0) {
            Pack.packB(b, off, ldb, trans, kc, nc, NR, dst, dstOff);
            return;
        }
        for (int p = 0; p < kc; p++) {
            int s = off + p * ldb;
            for (int j = 0, d = dstOff + p * NR; j < full; j += NR, d += NR * kc) {
                FloatVector.fromArray(S, b, s + j).intoArray(dst, d);
                FloatVector.fromArray(S, b, s + j + L).intoArray(dst, d + L);
            }
        }
        if (full < nc) Pack.packB(b, off + full, ldb, false, kc, nc - full, NR, dst, dstOff + full * kc);
    }

    @Override
    public void matvec(Object aArray, int aOff, int lda, boolean trans, Object xArray, int xOff, int m, int k, Object outArray) {
        float[] a = (float[]) aArray, x = (float[]) xArray, out = (float[]) outArray;
        if (!trans) {
            for (int i = 0; i < m; i++) out[i] = dot(a, aOff + i * lda, x, xOff, k);
            return;
        }
        for (int i0 = 0; i0 < m; i0 += MATVEC_CHUNK) {
            int len = Math.min(MATVEC_CHUNK, m - i0);
            java.util.Arrays.fill(out, i0, i0 + len, 0f);
            for (int p = 0; p < k; p++) axpy(x[xOff + p], a, aOff + p * lda + i0, out, i0, len);
        }
    }

    /** {@code Σ a[ao + p]·x[xo + p]} over {@code p < k}: four vector accumulators, a vector tail, a scalar tail. */
    private static float dot(float[] a, int ao, float[] x, int xo, int k) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        int p = 0;
        for (; p + 4 * L <= k; p += 4 * L) {
            s0 = FloatVector.fromArray(S, a, ao + p).fma(FloatVector.fromArray(S, x, xo + p), s0);
            s1 = FloatVector.fromArray(S, a, ao + p + L).fma(FloatVector.fromArray(S, x, xo + p + L), s1);
            s2 = FloatVector.fromArray(S, a, ao + p + 2 * L).fma(FloatVector.fromArray(S, x, xo + p + 2 * L), s2);
            s3 = FloatVector.fromArray(S, a, ao + p + 3 * L).fma(FloatVector.fromArray(S, x, xo + p + 3 * L), s3);
        }
        for (; p + L <= k; p += L) s0 = FloatVector.fromArray(S, a, ao + p).fma(FloatVector.fromArray(S, x, xo + p), s0);
        float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) sum += a[ao + p] * x[xo + p];
        return sum;
    }

    /** {@code out[o + i] += alpha·a[ao + i]} for {@code i < len}: a vector loop, then a scalar tail. */
    private static void axpy(float alpha, float[] a, int ao, float[] out, int o, int len) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i + L <= len; i += L) FloatVector.fromArray(S, a, ao + i).fma(av, FloatVector.fromArray(S, out, o + i)).intoArray(out, o + i);
        for (; i < len; i++) out[o + i] += alpha * a[ao + i];
    }

    /** One full MR × NR tile: the k loop, the store, then the epilogue. */
    private static void tile(float[] a, int ao, float[] b, int bo, int kc,
                             float[] c, int co, int ldc, int mode, float[] bias, int biasOff) {
        // Accumulators start from C (a later k block, or accumulating) or from zeros: loads either
        // way, so C2 parses one straight-line body within its inlining node budget.
        boolean load = (mode & TileMode.LOAD_C) != 0;
        float[] init = load ? c : ZEROS;
        int i0 = load ? co : 0, ld = load ? ldc : 0;
        FloatVector c00 = FloatVector.fromArray(S, init, i0), c01 = FloatVector.fromArray(S, init, i0 + L);
        FloatVector c10 = FloatVector.fromArray(S, init, i0 + ld), c11 = FloatVector.fromArray(S, init, i0 + ld + L);
        FloatVector c20 = FloatVector.fromArray(S, init, i0 + 2 * ld), c21 = FloatVector.fromArray(S, init, i0 + 2 * ld + L);
        FloatVector c30 = FloatVector.fromArray(S, init, i0 + 3 * ld), c31 = FloatVector.fromArray(S, init, i0 + 3 * ld + L);
        for (int p = 0; p < kc; p++) {
            int pa = ao + p * MR, pb = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector x = FloatVector.broadcast(S, a[pa]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[pa + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[pa + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[pa + 3]);
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
    private static void epilogue(float[] c, int co, int ldc, int mode, float[] bias, int biasOff) {
        boolean biasN = (mode & TileMode.BIAS_N) != 0, biasM = (mode & TileMode.BIAS_M) != 0;
        FloatVector zero = FloatVector.zero(S);
        FloatVector n0 = biasN ? FloatVector.fromArray(S, bias, biasOff) : zero;
        FloatVector n1 = biasN ? FloatVector.fromArray(S, bias, biasOff + L) : zero;
        for (int r = 0; r < MR; r++) {
            int o = co + r * ldc;
            FloatVector v0 = FloatVector.fromArray(S, c, o), v1 = FloatVector.fromArray(S, c, o + L);
            if (biasN) {
                v0 = v0.add(n0);
                v1 = v1.add(n1);
            } else if (biasM) {
                FloatVector x = FloatVector.broadcast(S, bias[biasOff + r]);
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
