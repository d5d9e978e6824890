package org.nabla4j;

/**
 * What {@link Nabla#valueAndGrad} returns: the function's (scalar) value and its gradient, a pytree
 * shaped like the differentiated argument.
 */
public record ValueAndGrad<G>(NDArray value, G grad) {}
