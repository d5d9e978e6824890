package org.nabla4j.codegen;

import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nabla4j.DType;
import org.nabla4j.codegen.kernels.Epilogue;
import org.nabla4j.codegen.kernels.Gemm;
import org.nabla4j.codegen.kernels.MatmulSpec;
import org.nabla4j.codegen.kernels.Workers;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Axes;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Shape;

/**
 * {@code dot_general} on the packed, register-tiled GEMM kernel, for the layouts a matmul takes
 * in memory: batch axes leading on both sides, then each operand's free and contracted axes in
 * either order (a transposed operand costs nothing: the kernel packs it). Other layouts keep the
 * interpreter's rule. A matmul planned with an epilogue ({@link Plan.FusedDotStep}) adds its bias
 * and applies its activation on each tile of the product while the tile is in cache.
 */
final class DotStep implements RuntimeStep {
    private static final int THREADS = Runtime.getRuntime().availableProcessors();

    private final MatmulSpec spec;
    private final int lhsSlot, rhsSlot, resultSlot;
    /** The slot of the epilogue's bias vector, or -1 when it has none. */
    private final int biasSlot, biasOffset;
    private final DType dtype;

    private DotStep(MatmulSpec spec, int lhsSlot, int rhsSlot, int resultSlot, int biasSlot, int biasOffset, DType dtype) {
        this.spec = spec;
        int scratchSize = spec.n() * (spec.k() + spec.m());
        this.narrowScratch = ThreadLocal.withInitial(() -> new float[scratchSize]);
        this.lhsSlot = lhsSlot;
        this.rhsSlot = rhsSlot;
        this.resultSlot = resultSlot;
        this.biasSlot = biasSlot;
        this.biasOffset = biasOffset;
        this.dtype = dtype;
    }

    /** A kernel call for this equation, or null when its layout or dtype is not one the kernel takes. */
    static DotStep tryCreate(Equation e, Object[] operands, List<AbstractArray> types, int[] resultSlots) {
        if (!(operands[0] instanceof Integer lhsSlot) || !(operands[1] instanceof Integer rhsSlot)) return null;
        MatmulSpec spec = spec(e.params(), types.get(0), types.get(1));
        return spec == null ? null : new DotStep(spec, lhsSlot, rhsSlot, resultSlots[0], -1, 0, types.get(0).dtype());
    }

    /** The kernel call of a matmul planned with an epilogue; the planner only plans layouts the kernel takes. */
    static DotStep create(Plan.FusedDotStep s) {
        MatmulSpec spec = spec(s.dot().params(), s.operandTypes().get(0), s.operandTypes().get(1));
        if (spec == null) throw new IllegalStateException("a fused epilogue on a dot_general the GEMM does not take: " + s.dot());
        return new DotStep(spec.withEpilogue(s.epilogue()), s.lhsSlot(), s.rhsSlot(), s.resultSlot(), s.biasSlot(), s.biasOffset(),
                s.operandTypes().get(0).dtype());
    }

    /**
     * The GEMM call that computes a dot_general of operands of these types (no epilogue), or null
     * when the dtype is not floating or the axes are not laid out as a (batched) matmul.
     */
    static MatmulSpec spec(Params p, AbstractArray lhs, AbstractArray rhs) {
        if (!lhs.dtype().isFloating()) return null;
        int[] lc = p.getInts("lhs_contract"), rc = p.getInts("rhs_contract"), lb = p.getInts("lhs_batch"), rb = p.getInts("rhs_batch");
        int nb = lb.length;
        if (!isRange(lb, 0) || !isRange(rb, 0) || !sortedTogether(lc, rc)) return null;
        int[] lf = Axes.complement(lhs.rank(), lc, lb), rf = Axes.complement(rhs.rank(), rc, rb);
        Boolean transA = layout(lf, lc, nb, false), transB = layout(rf, rc, nb, true);
        if (transA == null || transB == null) return null;
        Shape ls = lhs.shape(), rs = rhs.shape();
        int batch = product(ls, lb), m = product(ls, lf), k = product(ls, lc), n = product(rs, rf);
        return new MatmulSpec(batch, m, n, k, transA, transB, transA ? m : k, transB ? k : n, n,
                m * k, k * n, m * n, Epilogue.NONE, THREADS);
    }

    @Override
    public void run(Object[] buffers) {
        // Inside a compiled loop the slot keeps last iteration's buffer: overwrite it rather than allocate.
        Object c = buffers[resultSlot];
        if (c == null) buffers[resultSlot] = c = org.nabla4j.ir.Tensor.allocate(dtype, spec.batch() * spec.m() * spec.n());
        Object bias = biasSlot < 0 ? null : buffers[biasSlot];
        if ((spec.n() == 1 || spec.m() == 1) && dtype == DType.F32 && spec.epilogue().equals(Epilogue.NONE)) {
            matrixVector((float[]) buffers[lhsSlot], (float[]) buffers[rhsSlot], (float[]) c);
        } else if (dtype == DType.F32 && spec.n() < NARROW && !spec.epilogue().accumulate()) {
            narrow((float[]) buffers[lhsSlot], (float[]) buffers[rhsSlot], (float[]) c, (float[]) bias);
        } else if (dtype == DType.F32) {
            Gemm.f32(spec, (float[]) buffers[lhsSlot], 0, (float[]) buffers[rhsSlot], 0, (float[]) c, 0, (float[]) bias, biasOffset);
        } else {
            Gemm.f64(spec, (double[]) buffers[lhsSlot], 0, (double[]) buffers[rhsSlot], 0, (double[]) c, 0, (double[]) bias, biasOffset);
        }
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final ThreadLocal<float[]> narrowScratch;

    /** Products with fewer columns than the GEMM tile (two vectors) are narrow: every GEMM tile would be a scalar edge tile. */
    private static final int NARROW = 2 * F.length();

    /** Row blocks {@code [b0, b1)} of a narrow product, every column of B for each: rows of Cᵀ into {@code ct}. */
    private static void narrowBlocks(float[] a, int aBase, int lda, boolean transA, float[] vec, boolean copied, int bBase, int ldb,
                                     float[] ct, int ctBase, int m, int n, int k, int block, int b0, int b1) {
        for (int i0 = b0 * block; i0 < Math.min(m, b1 * block); i0 += block) {
            int rows = Math.min(block, m - i0);
            for (int j = 0; j < n; j++) {
                int vecBase = copied ? j * k : bBase + j * ldb;
                if (transA) broadcastRows(a, aBase + i0, lda, vec, vecBase, ct, ctBase + j * m + i0, rows, k);
                else rowDots(a, aBase + i0 * lda, lda, vec, vecBase, ct, ctBase + j * m + i0, rows, k);
            }
        }
    }

    /**
     * A narrow product (n below a GEMM tile's width, e.g. a 10-class output layer) as n
     * matrix-vector products, one per column of B: Cᵀ[j] = A·B[:, j] by row dots (A stored m × k)
     * or broadcast rows (A stored k × m), then C[i][j] = epilogue(Cᵀ[j][i]).
     */
    private void narrow(float[] a, float[] b, float[] c, float[] bias) {
        int m = spec.m(), n = spec.n(), k = spec.k();
        // B's columns (when B is stored k × n) in [0, n·k), Cᵀ in [n·k, n·k + n·m) of a per-thread buffer:
        // inside a compiled loop this runs every iteration and allocates nothing.
        float[] scratch = narrowScratch.get();
        int ctBase = n * k;
        float[] columns = spec.transB() ? null : scratch;
        float[] ct = scratch;
        Epilogue e = spec.epilogue();
        for (int t = 0; t < spec.batch(); t++) {
            int aBase = t * spec.strideA(), bBase = t * spec.strideB(), cBase = t * spec.strideC();
            if (columns != null) {
                for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) columns[j * k + p] = b[bBase + p * spec.ldb() + j];
            }
            // A block of A's rows (or columns) serves every column of B while it is in cache; large
            // products share the blocks out between the cores (each block writes its own rows of Cᵀ).
            int block = spec.transA() ? 8 * F.length() : 16, blocks = (m + block - 1) / block;
            int parts = (long) m * k * n < PARALLEL_ELEMENTS * 4 || THREADS < 2 || blocks < 2 ? 1 : Math.min(THREADS, blocks);
            float[] vec = columns != null ? columns : b;
            int lda = spec.lda(), ldb = spec.ldb();
            boolean transA = spec.transA();
            if (parts == 1) {
                narrowBlocks(a, aBase, lda, transA, vec, columns != null, bBase, ldb, ct, ctBase, m, n, k, block, 0, blocks);
            } else {
                int per = (blocks + parts - 1) / parts;
                boolean copied = columns != null;
                Workers.run(parts, part -> narrowBlocks(a, aBase, lda, transA, vec, copied, bBase, ldb, ct, ctBase, m, n, k, block,
                        part * per, Math.min(blocks, (part + 1) * per)));
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float v = ct[ctBase + j * m + i];
                    if (e.bias() == Epilogue.Bias.ALONG_N) v += bias[biasOffset + j];
                    else if (e.bias() == Epilogue.Bias.ALONG_M) v += bias[biasOffset + i];
                    c[cBase + i * spec.ldc() + j] = switch (e.activation()) {
                        case NONE -> v;
                        case RELU -> Math.max(v, 0f);
                        case TANH -> (float) Math.tanh(v);
                    };
                }
            }
        }
    }

    /**
     * Matrix-vector (n = 1) and vector-matrix (m = 1) products stream the matrix once (a GEMM
     * tile would use one column of its 32): a matrix stored with the contracted axis inner takes
     * row dot products, one stored with it outer takes broadcast rows.
     */
    private void matrixVector(float[] a, float[] b, float[] c) {
        boolean aIsMatrix = spec.n() == 1;
        float[] mat = aIsMatrix ? a : b, vec = aIsMatrix ? b : a;
        int rows = aIsMatrix ? spec.m() : spec.n(), k = spec.k();
        int ld = aIsMatrix ? spec.lda() : spec.ldb();
        int matStride = aIsMatrix ? spec.strideA() : spec.strideB(), vecStride = aIsMatrix ? spec.strideB() : spec.strideA();
        // Contracted axis inner: A not transposed, or B transposed (stored n × k).
        boolean contractedInner = aIsMatrix ? !spec.transA() : spec.transB();
        for (int t = 0; t < spec.batch(); t++) {
            int matBase = t * matStride, vecBase = t * vecStride, outBase = t * rows;
            if ((long) rows * k < PARALLEL_ELEMENTS || THREADS < 2 || rows < 2 * THREADS) {
                outputs(contractedInner, mat, matBase, ld, vec, vecBase, c, outBase, 0, rows, k);
                continue;
            }
            // A large matrix: each core streams its share of the outputs' rows (or columns).
            int part = (rows + THREADS - 1) / THREADS;
            Workers.run(THREADS, p -> outputs(contractedInner, mat, matBase, ld, vec, vecBase, c, outBase, p * part, Math.min(rows, (p + 1) * part), k));
        }
    }

    /** Matrices of at least this many elements (1 MB of f32) are multiplied in parallel parts. */
    private static final long PARALLEL_ELEMENTS = 1L << 18;

    /** Outputs [lo, hi) of one matrix-vector product. */
    private static void outputs(boolean contractedInner, float[] mat, int matBase, int ld, float[] vec, int vecBase, float[] out, int outBase,
                                int lo, int hi, int k) {
        if (lo >= hi) return;
        if (contractedInner) rowDots(mat, matBase + lo * ld, ld, vec, vecBase, out, outBase + lo, hi - lo, k);
        else broadcastRows(mat, matBase + lo, ld, vec, vecBase, out, outBase + lo, hi - lo, k);
    }

    /** out[i] = Σ_p mat[i·ld + p] · vec[p] for i < rows: four rows at a time, each vector of vec loaded once for four FMAs. */
    static void rowDots(float[] mat, int matBase, int ld, float[] vec, int vecBase, float[] out, int outBase, int rows, int k) {
        int upper = F.loopBound(k);
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            int a0 = matBase + i * ld, a1 = a0 + ld, a2 = a1 + ld, a3 = a2 + ld;
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            int p = 0;
            for (; p < upper; p += F.length()) {
                FloatVector v = FloatVector.fromArray(F, vec, vecBase + p);
                s0 = FloatVector.fromArray(F, mat, a0 + p).fma(v, s0);
                s1 = FloatVector.fromArray(F, mat, a1 + p).fma(v, s1);
                s2 = FloatVector.fromArray(F, mat, a2 + p).fma(v, s2);
                s3 = FloatVector.fromArray(F, mat, a3 + p).fma(v, s3);
            }
            float r0 = s0.reduceLanes(VectorOperators.ADD), r1 = s1.reduceLanes(VectorOperators.ADD);
            float r2 = s2.reduceLanes(VectorOperators.ADD), r3 = s3.reduceLanes(VectorOperators.ADD);
            for (; p < k; p++) {
                float v = vec[vecBase + p];
                r0 += mat[a0 + p] * v;
                r1 += mat[a1 + p] * v;
                r2 += mat[a2 + p] * v;
                r3 += mat[a3 + p] * v;
            }
            out[outBase + i] = r0;
            out[outBase + i + 1] = r1;
            out[outBase + i + 2] = r2;
            out[outBase + i + 3] = r3;
        }
        for (; i < rows; i++) {
            int a0 = matBase + i * ld;
            FloatVector acc = FloatVector.zero(F);
            int p = 0;
            for (; p < upper; p += F.length()) acc = FloatVector.fromArray(F, mat, a0 + p).fma(FloatVector.fromArray(F, vec, vecBase + p), acc);
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; p < k; p++) sum += mat[a0 + p] * vec[vecBase + p];
            out[outBase + i] = sum;
        }
    }

    /**
     * out[i] = Σ_p mat[p·ld + i] · vec[p] for i < cols: each vec[p] broadcast and multiplied into
     * a row, eight vectors of outputs at a time so eight independent chains of FMAs keep both
     * FMA units busy; no horizontal sums.
     */
    static void broadcastRows(float[] mat, int matBase, int ld, float[] vec, int vecBase, float[] out, int outBase, int cols, int k) {
        int lanes = F.length(), block = 8 * lanes;
        int i = 0;
        for (; i + block <= cols; i += block) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int p = 0, row = matBase + i; p < k; p++, row += ld) {
                FloatVector v = FloatVector.broadcast(F, vec[vecBase + p]);
                s0 = FloatVector.fromArray(F, mat, row).fma(v, s0);
                s1 = FloatVector.fromArray(F, mat, row + lanes).fma(v, s1);
                s2 = FloatVector.fromArray(F, mat, row + 2 * lanes).fma(v, s2);
                s3 = FloatVector.fromArray(F, mat, row + 3 * lanes).fma(v, s3);
                s4 = FloatVector.fromArray(F, mat, row + 4 * lanes).fma(v, s4);
                s5 = FloatVector.fromArray(F, mat, row + 5 * lanes).fma(v, s5);
                s6 = FloatVector.fromArray(F, mat, row + 6 * lanes).fma(v, s6);
                s7 = FloatVector.fromArray(F, mat, row + 7 * lanes).fma(v, s7);
            }
            s0.intoArray(out, outBase + i);
            s1.intoArray(out, outBase + i + lanes);
            s2.intoArray(out, outBase + i + 2 * lanes);
            s3.intoArray(out, outBase + i + 3 * lanes);
            s4.intoArray(out, outBase + i + 4 * lanes);
            s5.intoArray(out, outBase + i + 5 * lanes);
            s6.intoArray(out, outBase + i + 6 * lanes);
            s7.intoArray(out, outBase + i + 7 * lanes);
        }
        for (; i + lanes <= cols; i += lanes) {
            FloatVector s = FloatVector.zero(F);
            for (int p = 0, row = matBase + i; p < k; p++, row += ld) s = FloatVector.fromArray(F, mat, row).fma(FloatVector.broadcast(F, vec[vecBase + p]), s);
            s.intoArray(out, outBase + i);
        }
        for (; i < cols; i++) {
            float sum = 0;
            for (int p = 0; p < k; p++) sum += mat[matBase + p * ld + i] * vec[vecBase + p];
            out[outBase + i] = sum;
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
