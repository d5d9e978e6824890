package org.nabla4j;

/**
 * What the forward function given to {@link Nabla#customVjp} returns: the function's value and
 * the residuals (any pytree of arrays) its backward function needs.
 */
public record FwdResult<R, Res>(R value, Res residuals) {}
