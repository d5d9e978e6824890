package org.nabla4j.codegen.kernels;

/**
 * Matrix multiplication for compiled {@code dot_general}: {@code C_t = epilogue(A_t · B_t)} for
 * every batch {@code t}, in f32 or f64, with A and B each stored row-major or transposed.
 *
 * <p>The kernel packs blocks of A and B into contiguous panels and multiplies them with a
 * register-tiled Vector API micro-kernel (4 rows × 2 vectors), cache-blocked for L1/L2/L3; the
 * {@link Epilogue} is fused: accumulation by starting the accumulators from C, bias and activation
 * on each tile right after its store, while it is in L1. Edge tiles and the scalar width go
 * through the same arithmetic in scalar code.
 *
 * <p>Contract of {@link #f32}, {@link #f64} and {@link #matmul}:
 * <ul>
 *   <li>Element addresses are those of {@link MatmulSpec}: {@code aOff}, {@code bOff},
 *       {@code cOff}, {@code biasOff} are the indices of element {@code [0][0]} (of batch 0) and
 *       of {@code bias[0]}.</li>
 *   <li>Every index the call touches is checked before anything is written; a violation throws
 *       {@link IndexOutOfBoundsException} and leaves C unchanged. {@code bias} may be null when
 *       {@code spec.epilogue().bias()} is {@code NONE} (then {@code biasOff} is ignored); a null
 *       bias for an epilogue with one throws {@link IllegalArgumentException}.</li>
 *   <li>C must not overlap A, B or bias. With {@code k == 0} the product is zero and C still
 *       receives the epilogue (bias, activation, accumulation).</li>
 *   <li>Results are those of a sum over k in float (f32) or double (f64) arithmetic, with fused
 *       multiply-adds in the vector kernels, in an unspecified order: expect rounding differences
 *       of about {@code k·ulp} from a naive loop, and {@code tanh} within a few ulp. NaN and
 *       infinity propagate as in that loop.</li>
 *   <li>The call returns when C is complete. With {@code spec.threads() > 1} and enough work it
 *       runs parts on a shared pool of daemon threads (one per core) and on the caller.</li>
 *   <li>Thread-safety: instances are immutable and every method may be called from any number of
 *       threads at once, as long as the C regions of concurrent calls do not overlap. Packing
 *       buffers are per thread and reused, so after warm-up a single-threaded call allocates
 *       nothing (one small record when it folds a batch over a shared B into one product); a
 *       multi-threaded call allocates a few small task objects.</li>
 * </ul>
 *
 * <pre>{@code
 * // y[256,512] = tanh(x[256,784] · w[784,512] + b[512]), two threads
 * MatmulSpec spec = MatmulSpec.of(256, 512, 784)
 *         .withEpilogue(Epilogue.of(Epilogue.Bias.ALONG_N, Activation.TANH)).withThreads(2);
 * Gemm.f32(spec, x, 0, w, 0, y, 0, b, 0);
 * }</pre>
 */
public final class Gemm {
    private static final Gemm PREFERRED = new Gemm(KernelConfig.DEFAULT_BITS);

    private final TileKernel f32;
    private final TileKernel f64;

    private Gemm(int bits) {
        this.f32 = KernelConfig.kernel(bits, false);
        this.f64 = KernelConfig.kernel(bits, true);
    }

    /** The kernels of the configured width (system property {@code nabla.vectorBits}, else the machine's preferred width). */
    public static Gemm preferred() {
        return PREFERRED;
    }

    /**
     * The kernels of a forced width: 0 (scalar), 128, 256 or 512 bits, for tests and debugging.
     * A width the hardware lacks still computes correct results, slowly.
     *
     * @throws IllegalArgumentException for any other width
     * @throws UnsupportedOperationException for a vector width without the {@code jdk.incubator.vector} module
     */
    public static Gemm withVectorBits(int bits) {
        return bits == KernelConfig.DEFAULT_BITS ? PREFERRED : new Gemm(bits);
    }

    /** The vector width of these kernels in bits; 0 for scalar code. */
    public int vectorBits() {
        return f32.vectorBits();
    }

    /** {@link #matmul(MatmulSpec, float[], int, float[], int, float[], int, float[], int)} with the {@link #preferred()} kernels. */
    public static void f32(MatmulSpec spec, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] bias, int biasOff) {
        PREFERRED.matmul(spec, a, aOff, b, bOff, c, cOff, bias, biasOff);
    }

    /** {@link #matmul(MatmulSpec, double[], int, double[], int, double[], int, double[], int)} with the {@link #preferred()} kernels. */
    public static void f64(MatmulSpec spec, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, double[] bias, int biasOff) {
        PREFERRED.matmul(spec, a, aOff, b, bOff, c, cOff, bias, biasOff);
    }

    /** Computes {@code spec} on f32 arrays; see the class comment for the contract. */
    public void matmul(MatmulSpec spec, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] bias, int biasOff) {
        check(spec, a.length, aOff, b.length, bOff, c.length, cOff, bias == null ? -1 : bias.length, biasOff);
        GemmDriver.run(f32, spec, a, aOff, b, bOff, c, cOff, bias, biasOff);
    }

    /** Computes {@code spec} on f64 arrays; see the class comment for the contract. */
    public void matmul(MatmulSpec spec, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, double[] bias, int biasOff) {
        check(spec, a.length, aOff, b.length, bOff, c.length, cOff, bias == null ? -1 : bias.length, biasOff);
        GemmDriver.run(f64, spec, a, aOff, b, bOff, c, cOff, bias, biasOff);
    }

    @Override
    public String toString() {
        return "Gemm[" + (vectorBits() == 0 ? "scalar" : vectorBits() + "-bit") + "]";
    }

    /** Checks every index a call touches; {@code biasLength} is -1 for a null bias. */
    private static void check(MatmulSpec s, int aLength, int aOff, int bLength, int bOff, int cLength, int cOff,
                              int biasLength, int biasOff) {
        checkRange("a", aOff, s.extentA(), aLength);
        checkRange("b", bOff, s.extentB(), bLength);
        checkRange("c", cOff, s.extentC(), cLength);
        Epilogue.Bias axis = s.epilogue().bias();
        if (axis == Epilogue.Bias.NONE || s.extentC() == 0) return;
        if (biasLength < 0) throw new IllegalArgumentException("the epilogue adds a bias " + axis + " but bias is null");
        checkRange("bias", biasOff, axis == Epilogue.Bias.ALONG_N ? s.n() : s.m(), biasLength);
    }

    private static void checkRange(String name, int offset, long extent, int length) {
        if (offset < 0 || (extent > 0 && offset + extent > length)) {
            throw new IndexOutOfBoundsException(name + ": elements [" + offset + ", " + (offset + extent)
                    + ") are not within an array of length " + length);
        }
    }
}
