package org.nabla4j.codegen.kernels;

import java.util.Objects;

/**
 * What one {@link Gemm} call computes: for every batch {@code t} in {@code [0, batch)},
 * {@code C_t[m,n] = epilogue(A_t[m,k] · B_t[k,n])}. Built once per compiled program (shapes
 * are static there); a call passes only arrays and base offsets.
 *
 * <p>Memory layout, with {@code aOff}, {@code bOff}, {@code cOff} the base offsets of a call:
 * <pre>{@code
 * A_t[i][p] = a[aOff + t*strideA + (transA ? p*lda + i : i*lda + p)]   // transA: stored k×m
 * B_t[p][j] = b[bOff + t*strideB + (transB ? j*ldb + p : p*ldb + j)]   // transB: stored n×k
 * C_t[i][j] = c[cOff + t*strideC + i*ldc + j]                           // always row-major
 * }</pre>
 * A stride of 0 reuses one operand for every batch (e.g. shared weights). Leading dimensions
 * must be at least the stored row length ({@code lda >= (transA ? m : k)}, {@code ldb >=
 * (transB ? k : n)}, {@code ldc >= n}) and the batches of C must not overlap each other or the
 * inputs.
 *
 * <pre>{@code
 * MatmulSpec s = MatmulSpec.of(256, 512, 784)              // x[256,784] · w[784,512]
 *     .withEpilogue(Epilogue.of(Epilogue.Bias.ALONG_N, Activation.TANH))
 *     .withThreads(2);
 * MatmulSpec g = MatmulSpec.of(784, 512, 256).transposeA() // xᵀ · dy, x stored 256×784
 *     .withEpilogue(Epilogue.NONE.accumulating());
 * }</pre>
 *
 * @param batch number of independent products, {@code >= 0}
 * @param m rows of C
 * @param n columns of C
 * @param k the contracted dimension
 * @param transA A is stored transposed (k rows of m)
 * @param transB B is stored transposed (n rows of k)
 * @param lda distance between stored rows of A
 * @param ldb distance between stored rows of B
 * @param ldc distance between rows of C
 * @param strideA distance between batches of A
 * @param strideB distance between batches of B
 * @param strideC distance between batches of C
 * @param epilogue bias, activation and accumulation
 * @param threads the most threads the call may use, {@code >= 1}; 1 runs on the caller only.
 *     Small problems, and machines with fewer cores, use fewer threads than allowed.
 */
public record MatmulSpec(int batch, int m, int n, int k, boolean transA, boolean transB,
                         int lda, int ldb, int ldc, int strideA, int strideB, int strideC,
                         Epilogue epilogue, int threads) {
    public MatmulSpec {
        Objects.requireNonNull(epilogue, "epilogue");
        if ((batch | m | n | k | lda | ldb | ldc | strideA | strideB | strideC) < 0)
            throw new IllegalArgumentException("negative size, leading dimension or stride: " + shapeText(batch, m, n, k));
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        requireLeading("lda", lda, transA ? m : k);
        requireLeading("ldb", ldb, transB ? k : n);
        requireLeading("ldc", ldc, n);
    }

    /** Dense row-major {@code C[m,n] = A[m,k] · B[k,n]}, one batch, no epilogue, one thread. */
    public static MatmulSpec of(int m, int n, int k) {
        return new MatmulSpec(1, m, n, k, false, false, k, n, n, m * k, k * n, m * n, Epilogue.NONE, 1);
    }

    /** The same product with A stored transposed and densely ({@code lda = m}). */
    public MatmulSpec transposeA() {
        return new MatmulSpec(batch, m, n, k, true, transB, m, ldb, ldc, strideA, strideB, strideC, epilogue, threads);
    }

    /** The same product with B stored transposed and densely ({@code ldb = k}). */
    public MatmulSpec transposeB() {
        return new MatmulSpec(batch, m, n, k, transA, true, lda, k, ldc, strideA, strideB, strideC, epilogue, threads);
    }

    /** {@code count} products whose operands follow each other densely. */
    public MatmulSpec batched(int count) {
        int sa = (transA ? k : m) * lda, sb = (transB ? n : k) * ldb, sc = m * ldc;
        return new MatmulSpec(count, m, n, k, transA, transB, lda, ldb, ldc, sa, sb, sc, epilogue, threads);
    }

    /** Explicit leading dimensions (for views into larger arrays). */
    public MatmulSpec withLeadingDims(int lda, int ldb, int ldc) {
        return new MatmulSpec(batch, m, n, k, transA, transB, lda, ldb, ldc, strideA, strideB, strideC, epilogue, threads);
    }

    /** Explicit batch strides; 0 shares an operand between batches. */
    public MatmulSpec withBatchStrides(int strideA, int strideB, int strideC) {
        return new MatmulSpec(batch, m, n, k, transA, transB, lda, ldb, ldc, strideA, strideB, strideC, epilogue, threads);
    }

    public MatmulSpec withEpilogue(Epilogue epilogue) {
        return new MatmulSpec(batch, m, n, k, transA, transB, lda, ldb, ldc, strideA, strideB, strideC, epilogue, threads);
    }

    public MatmulSpec withThreads(int threads) {
        return new MatmulSpec(batch, m, n, k, transA, transB, lda, ldb, ldc, strideA, strideB, strideC, epilogue, threads);
    }

    /** The floating-point operations of one call, {@code 2·batch·m·n·k}. */
    public double flops() {
        return 2.0 * batch * m * n * k;
    }

    /** One past the largest index of A a call with {@code aOff = 0} reads (0 if it reads none). */
    long extentA() {
        return extent(m == 0 || k == 0, strideA, transA ? k : m, lda, transA ? m : k);
    }

    long extentB() {
        return extent(k == 0 || n == 0, strideB, transB ? n : k, ldb, transB ? k : n);
    }

    long extentC() {
        return extent(m == 0 || n == 0, strideC, m, ldc, n);
    }

    private long extent(boolean empty, int stride, int rows, int ld, int cols) {
        if (empty || batch == 0) return 0;
        return (long) (batch - 1) * stride + (long) (rows - 1) * ld + cols;
    }

    private static void requireLeading(String name, int ld, int rowLength) {
        if (ld < rowLength) throw new IllegalArgumentException(name + " = " + ld + " is less than the stored row length " + rowLength);
    }

    private static String shapeText(int batch, int m, int n, int k) {
        return "batch=" + batch + " m=" + m + " n=" + n + " k=" + k;
    }

    @Override
    public String toString() {
        return "MatmulSpec[" + shapeText(batch, m, n, k) + (transA ? " Aᵀ" : "") + (transB ? " Bᵀ" : "")
                + " ld=" + lda + "/" + ldb + "/" + ldc + " strides=" + strideA + "/" + strideB + "/" + strideC
                + " " + epilogue + " threads=" + threads + "]";
    }
}
