package org.nabla4j;

/**
 * A traced value was needed as a Java value: {@code item()}, {@code toFloatArray()} or a Java
 * {@code if} on an array inside {@code jit}, {@code grad} or {@code vmap}. Use {@code Np.where} or
 * {@code Nabla.cond} to branch on traced values, or convert after the transformed call returns.
 */
public class ConcretizationError extends NablaException {
    public ConcretizationError(String message) { super(message); }
}
