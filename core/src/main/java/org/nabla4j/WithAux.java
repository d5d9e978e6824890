package org.nabla4j;

/**
 * A function result with auxiliary data, for {@link Nabla#valueAndGradWithAux}: {@code value} is
 * differentiated, {@code aux} (any pytree, e.g. metrics or new batch statistics) is returned as is.
 *
 * <pre>{@code
 * var vg = Nabla.valueAndGradWithAux((Params p, Batch b) -> new WithAux<>(loss(p, b), accuracy(p, b)));
 * }</pre>
 */
public record WithAux<X>(NDArray value, X aux) {}
