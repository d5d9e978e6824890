package org.nabla4j;

/**
 * A function of three arguments, for transformations of functions like
 * {@code loss(params, x, y)}: {@code Nabla.vmap(Nabla.grad(Model::loss), InAxes.of(null, 0, 0))}.
 */
@FunctionalInterface
public interface Function3<A, B, C, R> {
    R apply(A a, B b, C c);
}
