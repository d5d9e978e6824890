package org.nabla4j;

import java.util.function.Function;

/**
 * What {@link Nabla#vjp} returns: the function's value and its pullback, which maps a cotangent
 * shaped like the value to a cotangent shaped like the argument.
 */
public record VjpResult<R, A>(R value, Function<R, A> pullback) {}
