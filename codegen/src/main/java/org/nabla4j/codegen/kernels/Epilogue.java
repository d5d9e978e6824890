package org.nabla4j.codegen.kernels;

import java.util.Objects;

/**
 * What a matmul does to each output element while its tile is still in registers:
 *
 * <pre>{@code
 * C[i][j] = activation( (A·B)[i][j] + bias + (accumulate ? C_old[i][j] : 0) )
 * bias    = 0 (Bias.NONE),  bias[biasOff + j] (Bias.ALONG_N),  bias[biasOff + i] (Bias.ALONG_M)
 * }</pre>
 *
 * The same bias vector serves every batch. With {@code accumulate}, the old value of C is added
 * before the activation (the cuBLASLt order {@code act(A·B + C + bias)}), which is
 * {@code C += A·B} (beta = 1) when there is no bias and no activation.
 *
 * <pre>{@code
 * Epilogue dense = Epilogue.of(Epilogue.Bias.ALONG_N, Activation.TANH);   // tanh(x·W + b)
 * Epilogue grad  = Epilogue.NONE.accumulating();                          // dW += xᵀ·dy
 * }</pre>
 *
 * @param bias which axis the bias vector runs along, or none
 * @param activation applied last
 * @param accumulate add into C instead of overwriting it
 */
public record Epilogue(Bias bias, Activation activation, boolean accumulate) {
    /** Which output axis a bias vector is indexed by. */
    public enum Bias {
        /** No bias. */
        NONE,
        /** One value per column: {@code bias[biasOff + j]}, length n. */
        ALONG_N,
        /** One value per row: {@code bias[biasOff + i]}, length m. */
        ALONG_M
    }

    /** Plain {@code C = A·B}. */
    public static final Epilogue NONE = new Epilogue(Bias.NONE, Activation.NONE, false);

    public Epilogue {
        Objects.requireNonNull(bias, "bias");
        Objects.requireNonNull(activation, "activation");
    }

    /** A bias then an activation, overwriting C. */
    public static Epilogue of(Bias bias, Activation activation) {
        return new Epilogue(bias, activation, false);
    }

    /** This epilogue, adding into C instead of overwriting it. */
    public Epilogue accumulating() {
        return new Epilogue(bias, activation, true);
    }
}
