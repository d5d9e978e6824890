package org.nabla4j;

/**
 * A carry and an output: what a {@link Nabla#scan} body returns for one step, and what scan returns
 * (the final carry and the per-step outputs stacked along a new leading axis). Both are pytrees;
 * {@code y} may be null when the body has no per-step output.
 */
public record ScanStep<C, Y>(C carry, Y y) {}
