package org.nabla4j.codegen.kernels;

/**
 * Bits that tell a tile store what to do with the accumulators: the {@link Epilogue} flattened
 * into an int so the hot code tests bits instead of following references.
 */
final class TileMode {
    private TileMode() {}

    /** Add the value already in C (a later k block, or an accumulating epilogue). */
    static final int LOAD_C = 1;
    /** Add {@code bias[biasOff + j]}. */
    static final int BIAS_N = 2;
    /** Add {@code bias[biasOff + i]}. */
    static final int BIAS_M = 4;
    static final int RELU = 8;
    static final int TANH = 16;

    /** The bits of the last k block: bias and activation; accumulation is decided per block. */
    static int lastBlock(Epilogue e) {
        int bias = switch (e.bias()) {
            case NONE -> 0;
            case ALONG_N -> BIAS_N;
            case ALONG_M -> BIAS_M;
        };
        int act = switch (e.activation()) {
            case NONE -> 0;
            case RELU -> RELU;
            case TANH -> TANH;
        };
        return bias | act;
    }
}
