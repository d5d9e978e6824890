package org.nabla4j;

/** What {@link Nabla#valueAndGradWithAux} returns: value, auxiliary data and gradient. */
public record ValueAuxAndGrad<G, X>(NDArray value, X aux, G grad) {}
