package org.nabla4j;

/** What {@link Nabla#jvp} returns: the function's value at the primal point and its directional derivative. */
public record JvpResult<R>(R value, R tangent) {}
