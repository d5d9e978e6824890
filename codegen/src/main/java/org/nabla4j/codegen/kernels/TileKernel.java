package org.nabla4j.codegen.kernels;

/**
 * The inner two loops of the blocked GEMM for one element type and vector width: multiplies a
 * packed block of A by a packed block of B, tile by tile, and stores each tile through the
 * epilogue bits of {@link TileMode}. {@link GemmDriver} owns the outer loops, the packing and the
 * threads; implementations hold no state and are safe to share.
 *
 * <p>Packed layouts ({@link Pack}): A is {@code ceil(mc/mr)} panels of {@code kc × mr} values,
 * panel {@code ir/mr} starting at {@code ir*kc}; B is {@code ceil(nc/nr)} panels of
 * {@code kc × nr}, panel {@code jr/nr} starting at {@code jr*kc}; both zero-padded.
 *
 * <p>Arrays are passed as {@code Object} so one driver serves {@code float[]} and
 * {@code double[]}; each implementation knows its type.
 */
interface TileKernel {
    /** Rows of a register tile. */
    int mr();

    /** Columns of a register tile. */
    int nr();

    /** Rows of A packed at once (a multiple of {@link #mr()}). */
    int mc();

    /** Depth of one packed block. */
    int kc();

    /** Columns of B packed at once (a multiple of {@link #nr()}). */
    int nc();

    /** The vector width in bits, 0 for scalar code. */
    int vectorBits();

    /**
     * {@code C[0..mc, 0..nc] (+)= packedA · packedB} then the epilogue in {@code mode}. C starts
     * at {@code c[cOff]} with row distance {@code ldc}; the bias of row/column 0 of this block is
     * {@code bias[biasOff]}; {@code tile} is scratch of at least {@code mr*nr} elements.
     */
    void block(Object packedA, Object packedB, int mc, int nc, int kc,
               Object c, int cOff, int ldc, int mode, Object bias, int biasOff, Object tile);

    /**
     * Packs {@code B[0..kc, 0..nc]} into {@code dst} from {@code dstOff} in the layout above, as
     * {@link Pack#packB} does; the vector kernels copy row-major B a vector at a time.
     */
    default void packB(Object b, int off, int ldb, boolean trans, int kc, int nc, Object dst, int dstOff) {
        if (dst instanceof double[] d) Pack.packB((double[]) b, off, ldb, trans, kc, nc, nr(), d, dstOff);
        else Pack.packB((float[]) b, off, ldb, trans, kc, nc, nr(), (float[]) dst, dstOff);
    }

    /**
     * A matrix-vector product, where a tile would waste all but one of its columns:
     * {@code out[i] = Σ_p A[i][p]·x[xOff + p]} for {@code i < m}, with
     * {@code A[i][p] = a[aOff + (trans ? p*lda + i : i*lda + p)]}, unpacked. Row-major A takes one
     * dot product per row; transposed A adds {@code x[p]} times its rows, in chunks that stay in L1.
     */
    void matvec(Object a, int aOff, int lda, boolean trans, Object x, int xOff, int m, int k, Object out);
}
