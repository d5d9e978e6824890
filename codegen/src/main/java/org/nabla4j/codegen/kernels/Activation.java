package org.nabla4j.codegen.kernels;

/** The elementwise function a matmul {@link Epilogue} applies last. */
public enum Activation {
    /** {@code x}. */
    NONE,
    /** {@code max(x, 0)}, with {@link Math#max(float, float)} semantics (NaN stays NaN). */
    RELU,
    /** {@code tanh(x)}: {@code VectorOperators.TANH} in vector lanes, {@link Math#tanh} in scalar ones. */
    TANH;

    /** The activation in double precision: the reference the kernels are tested against. */
    public double apply(double x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> Math.max(x, 0);
            case TANH -> Math.tanh(x);
        };
    }
}
