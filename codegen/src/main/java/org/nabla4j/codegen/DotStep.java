package org.nabla4j.codegen;

import java.util.Arrays;
import java.util.List;
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
        if (spec.n() == 1 && !spec.transA() && dtype == DType.F32) {
            // Matrix-vector: a row-by-row dot product streams A once; a GEMM tile would use one column of 32.
            matvec((float[]) buffers[lhsSlot], (float[]) buffers[rhsSlot], (float[]) c);
        } else if (dtype == DType.F32) {
            Gemm.f32(spec, (float[]) buffers[lhsSlot], 0, (float[]) buffers[rhsSlot], 0, (float[]) c, 0, null, 0);
        } else {
            Gemm.f64(spec, (double[]) buffers[lhsSlot], 0, (double[]) buffers[rhsSlot], 0, (double[]) c, 0, null, 0);
        }
    }

    private static final jdk.incubator.vector.VectorSpecies<Float> F = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;

    /** C[t, i] = Σ_p A[t, i, p] · b[t, p] (b shared when its batch stride is 0), four rows at a time. */
    private void matvec(float[] a, float[] b, float[] c) {
        int m = spec.m(), k = spec.k();
        int upper = F.loopBound(k);
        for (int t = 0; t < spec.batch(); t++) {
            int bBase = t * spec.strideB();
            for (int i = 0; i < m; i++) {
                int aBase = t * spec.strideA() + i * spec.lda();
                var acc = jdk.incubator.vector.FloatVector.zero(F);
                int p = 0;
                for (; p < upper; p += F.length()) {
                    var av = jdk.incubator.vector.FloatVector.fromArray(F, a, aBase + p);
                    acc = av.fma(jdk.incubator.vector.FloatVector.fromArray(F, b, bBase + p), acc);
                }
                float sum = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
                for (; p < k; p++) sum += a[aBase + p] * b[bBase + p];
                c[t * m + i] = sum;
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
