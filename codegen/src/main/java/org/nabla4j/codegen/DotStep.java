package org.nabla4j.codegen;

import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nabla4j.DType;
import org.nabla4j.codegen.kernels.Gemm;
import org.nabla4j.codegen.kernels.MatmulSpec;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Axes;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Shape;

/**
 * {@code dot_general} on the packed, register-tiled GEMM kernel, for the layouts a matmul takes
 * in memory: batch axes leading on both sides, then each operand's free and contracted axes in
 * either order (a transposed operand costs nothing: the kernel packs it). Other layouts keep the
 * interpreter's rule.
 */
final class DotStep implements RuntimeStep {
    private static final int THREADS = Runtime.getRuntime().availableProcessors();

    private final MatmulSpec spec;
    private final int lhsSlot, rhsSlot, resultSlot;
    private final DType dtype;
    private final int size;

    private DotStep(MatmulSpec spec, int lhsSlot, int rhsSlot, int resultSlot, DType dtype, int size) {
        this.spec = spec;
        this.lhsSlot = lhsSlot;
        this.rhsSlot = rhsSlot;
        this.resultSlot = resultSlot;
        this.dtype = dtype;
        this.size = size;
    }

    /** A kernel call for this equation, or null when its layout or dtype is not one the kernel takes. */
    static DotStep tryCreate(Equation e, Object[] operands, List<AbstractArray> types, int[] resultSlots) {
        if (!(operands[0] instanceof Integer lhsSlot) || !(operands[1] instanceof Integer rhsSlot)) return null;
        AbstractArray lhs = types.get(0), rhs = types.get(1);
        if (!lhs.dtype().isFloating()) return null;
        Params p = e.params();
        int[] lc = p.getInts("lhs_contract"), rc = p.getInts("rhs_contract"), lb = p.getInts("lhs_batch"), rb = p.getInts("rhs_batch");
        int nb = lb.length;
        if (!isRange(lb, 0) || !isRange(rb, 0) || !sortedTogether(lc, rc)) return null;
        int[] lf = Axes.complement(lhs.rank(), lc, lb), rf = Axes.complement(rhs.rank(), rc, rb);
        Boolean transA = layout(lf, lc, nb, false), transB = layout(rf, rc, nb, true);
        if (transA == null || transB == null) return null;
        Shape ls = lhs.shape(), rs = rhs.shape();
        int batch = product(ls, lb), m = product(ls, lf), k = product(ls, lc), n = product(rs, rf);
        MatmulSpec spec = new MatmulSpec(batch, m, n, k, transA, transB, transA ? m : k, transB ? k : n, n,
                m * k, k * n, m * n, org.nabla4j.codegen.kernels.Epilogue.NONE, THREADS);
        return new DotStep(spec, lhsSlot, rhsSlot, resultSlots[0], lhs.dtype(), batch * m * n);
    }

    @Override
    public void run(Object[] buffers) {
        // Inside a compiled loop the slot keeps last iteration's buffer: overwrite it rather than allocate.
        Object c = buffers[resultSlot];
        if (c == null) buffers[resultSlot] = c = org.nabla4j.ir.Tensor.allocate(dtype, size);
        if (spec.n() == 1 && dtype == DType.F32) {
            // Matrix-vector: stream A once; a GEMM tile would use one column of 32.
            if (spec.transA()) matvecTransposed((float[]) buffers[lhsSlot], (float[]) buffers[rhsSlot], (float[]) c);
            else matvec((float[]) buffers[lhsSlot], (float[]) buffers[rhsSlot], (float[]) c);
        } else if (dtype == DType.F32) {
            Gemm.f32(spec, (float[]) buffers[lhsSlot], 0, (float[]) buffers[rhsSlot], 0, (float[]) c, 0, null, 0);
        } else {
            Gemm.f64(spec, (double[]) buffers[lhsSlot], 0, (double[]) buffers[rhsSlot], 0, (double[]) c, 0, null, 0);
        }
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /**
     * C[t, i] = Σ_p A[t, i, p] · b[t, p] (b shared when its batch stride is 0): four rows at a
     * time, so each vector of b is loaded once for four fused multiply-adds.
     */
    private void matvec(float[] a, float[] b, float[] c) {
        int m = spec.m(), k = spec.k(), lda = spec.lda();
        int upper = F.loopBound(k);
        for (int t = 0; t < spec.batch(); t++) {
            int bBase = t * spec.strideB(), cBase = t * m;
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int a0 = t * spec.strideA() + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
                FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
                int p = 0;
                for (; p < upper; p += F.length()) {
                    FloatVector bv = FloatVector.fromArray(F, b, bBase + p);
                    s0 = FloatVector.fromArray(F, a, a0 + p).fma(bv, s0);
                    s1 = FloatVector.fromArray(F, a, a1 + p).fma(bv, s1);
                    s2 = FloatVector.fromArray(F, a, a2 + p).fma(bv, s2);
                    s3 = FloatVector.fromArray(F, a, a3 + p).fma(bv, s3);
                }
                float r0 = s0.reduceLanes(VectorOperators.ADD), r1 = s1.reduceLanes(VectorOperators.ADD);
                float r2 = s2.reduceLanes(VectorOperators.ADD), r3 = s3.reduceLanes(VectorOperators.ADD);
                for (; p < k; p++) {
                    float bp = b[bBase + p];
                    r0 += a[a0 + p] * bp;
                    r1 += a[a1 + p] * bp;
                    r2 += a[a2 + p] * bp;
                    r3 += a[a3 + p] * bp;
                }
                c[cBase + i] = r0;
                c[cBase + i + 1] = r1;
                c[cBase + i + 2] = r2;
                c[cBase + i + 3] = r3;
            }
            for (; i < m; i++) {
                int aBase = t * spec.strideA() + i * lda;
                FloatVector acc = FloatVector.zero(F);
                int p = 0;
                for (; p < upper; p += F.length()) acc = FloatVector.fromArray(F, a, aBase + p).fma(FloatVector.fromArray(F, b, bBase + p), acc);
                float sum = acc.reduceLanes(VectorOperators.ADD);
                for (; p < k; p++) sum += a[aBase + p] * b[bBase + p];
                c[cBase + i] = sum;
            }
        }
    }

    /**
     * C[t, i] = Σ_p A[t, p, i] · b[t, p] with A stored k × m (A's transpose row-major): each
     * b[p] broadcast and multiplied into a row of A, eight vectors of outputs at a time so eight
     * independent chains of fused multiply-adds keep both FMA units busy; no horizontal sums.
     */
    private void matvecTransposed(float[] a, float[] b, float[] c) {
        int m = spec.m(), k = spec.k(), lda = spec.lda(), lanes = F.length(), block = 8 * lanes;
        for (int t = 0; t < spec.batch(); t++) {
            int aBase = t * spec.strideA(), bBase = t * spec.strideB(), cBase = t * m;
            int i = 0;
            for (; i + block <= m; i += block) {
                FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
                for (int p = 0, row = aBase + i; p < k; p++, row += lda) {
                    FloatVector bp = FloatVector.broadcast(F, b[bBase + p]);
                    s0 = FloatVector.fromArray(F, a, row).fma(bp, s0);
                    s1 = FloatVector.fromArray(F, a, row + lanes).fma(bp, s1);
                    s2 = FloatVector.fromArray(F, a, row + 2 * lanes).fma(bp, s2);
                    s3 = FloatVector.fromArray(F, a, row + 3 * lanes).fma(bp, s3);
                    s4 = FloatVector.fromArray(F, a, row + 4 * lanes).fma(bp, s4);
                    s5 = FloatVector.fromArray(F, a, row + 5 * lanes).fma(bp, s5);
                    s6 = FloatVector.fromArray(F, a, row + 6 * lanes).fma(bp, s6);
                    s7 = FloatVector.fromArray(F, a, row + 7 * lanes).fma(bp, s7);
                }
                s0.intoArray(c, cBase + i);
                s1.intoArray(c, cBase + i + lanes);
                s2.intoArray(c, cBase + i + 2 * lanes);
                s3.intoArray(c, cBase + i + 3 * lanes);
                s4.intoArray(c, cBase + i + 4 * lanes);
                s5.intoArray(c, cBase + i + 5 * lanes);
                s6.intoArray(c, cBase + i + 6 * lanes);
                s7.intoArray(c, cBase + i + 7 * lanes);
            }
            for (; i + lanes <= m; i += lanes) {
                FloatVector s = FloatVector.zero(F);
                for (int p = 0, row = aBase + i; p < k; p++, row += lda) s = FloatVector.fromArray(F, a, row).fma(FloatVector.broadcast(F, b[bBase + p]), s);
                s.intoArray(c, cBase + i);
            }
            for (; i < m; i++) {
                float sum = 0;
                for (int p = 0; p < k; p++) sum += a[aBase + p * lda + i] * b[bBase + p];
                c[cBase + i] = sum;
            }
        }
    }

    /**
     * The operand's layout after its batch axes: free then contracted (false for lhs, "not
     * transposed"), contracted then free (true), or null when the axes interleave.
     */
    private static Boolean layout(int[] free, int[] contract, int nb, boolean isRhs) {
        int[] sortedContract = contract.clone();
        Arrays.sort(sortedContract);
        boolean freeFirst = isRange(free, nb) && isRange(sortedContract, nb + free.length);
        boolean contractFirst = isRange(sortedContract, nb) && isRange(free, nb + contract.length);
        if (isRhs) return contractFirst ? Boolean.FALSE : freeFirst ? Boolean.TRUE : null;
        return freeFirst ? Boolean.FALSE : contractFirst ? Boolean.TRUE : null;
    }

    /** Contracted axes must pair up in the same order on both sides, so flattening keeps them matched. */
    private static boolean sortedTogether(int[] lc, int[] rc) {
        for (int i = 1; i < lc.length; i++) {
            if (lc[i] <= lc[i - 1] || rc[i] <= rc[i - 1]) return false;
        }
        return true;
    }

    private static boolean isRange(int[] axes, int start) {
        for (int i = 0; i < axes.length; i++) if (axes[i] != start + i) return false;
        return true;
    }


    private static int product(Shape s, int[] axes) {
        int n = 1;
        for (int a : axes) n *= s.dim(a);
        return n;
    }
}
