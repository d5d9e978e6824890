package org.nabla4j;

import java.util.List;

/**
 * Where {@link Nabla#vmap} puts the batch axis in the result: JAX's {@code out_axes}. One axis
 * spec for the whole result pytree, with the grammar of {@link InAxes}: an {@code Integer} axis
 * (negative counts from the end of the batched result), {@code null} for a result that does not
 * depend on any mapped argument (it is returned once, not stacked; a mapped one is an error), or
 * {@link #list list(…)} / {@link #fields fields(…)} for a per-element or per-component spec. A
 * result that does not depend on the mapped arguments but has an axis is broadcast along it, as
 * in JAX.
 *
 * <pre>{@code
 * // returns (mean, perExample): the mean is shared, the per-example values stacked on axis 0
 * var f = Nabla.vmap(g, InAxes.of(0), OutAxes.of(OutAxes.list(null, 0)));
 * }</pre>
 */
public final class OutAxes {
    private final Object spec;

    private OutAxes(Object spec) {
        this.spec = spec;
    }

    /** The axis spec for the whole result: {@code OutAxes.of(0)}, {@code OutAxes.of(-1)}, {@code OutAxes.of(OutAxes.list(0, null))}. */
    public static OutAxes of(Object spec) {
        InAxes.validate(spec, "out_axes");
        return new OutAxes(spec);
    }

    /** A spec per list element of the result; entries may be null. See {@link InAxes#list}. */
    public static List<Object> list(Object... specs) { return InAxes.list(specs); }

    /** A spec per record component (or map key) of the result. See {@link InAxes#fields}. */
    public static InAxes.Fields fields(Object... namesAndSpecs) { return InAxes.fields(namesAndSpecs); }

    Object spec() { return spec; }

    @Override
    public String toString() { return "OutAxes.of(" + spec + ")"; }
}
