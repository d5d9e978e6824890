package org.nabla4j;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which axis of each argument {@link Nabla#vmap} maps over: JAX's {@code in_axes}. One entry per
 * argument, each an <em>axis spec</em>:
 * <ul>
 *   <li>{@code null}: not mapped; every batch element sees the whole argument;
 *   <li>an {@code Integer}: that axis of every array in the argument (negative counts from the end);
 *   <li>{@link #list list(…)} (or any {@code List}): one spec per element of a {@code List} argument
 *       (or per child of a class registered with {@link Trees#register});
 *   <li>{@link #fields fields(…)}: one spec per component of a record argument (or per key of a
 *       {@code Map} argument), by name; every component must be named.
 * </ul>
 * A spec is a prefix of the argument's pytree, as in JAX: an Integer or null covers a whole subtree.
 *
 * <pre>{@code
 * record Batch(NDArray x, NDArray y) {}
 * // per-example losses: params shared, the batch mapped along axis 0 of x and y
 * var perExample = Nabla.vmap(Model::loss, InAxes.of(null, 0));
 * // x mapped along its last axis, y shared by every batch element
 * var f = Nabla.vmap((Params p, Batch b) -> loss(p, b), InAxes.of(null, InAxes.fields("x", -1, "y", null)));
 * }</pre>
 */
public final class InAxes {
    private final List<Object> perArgument;
    private final Object forEvery;
    private final boolean uniform;

    private InAxes(List<Object> perArgument, Object forEvery, boolean uniform) {
        this.perArgument = perArgument;
        this.forEvery = forEvery;
        this.uniform = uniform;
    }

    /**
     * One axis spec per argument. {@code InAxes.of(0, null)} maps the first argument along axis 0
     * and shares the second. (Call {@code InAxes.of((Object) null)} or {@link #all all(null)} for
     * one unmapped argument.)
     */
    public static InAxes of(Object... perArgument) {
        Object[] specs = perArgument == null ? new Object[] {null} : perArgument;
        for (int i = 0; i < specs.length; i++) validate(specs[i], "in_axes[" + i + "]");
        return new InAxes(Collections.unmodifiableList(Arrays.asList(specs.clone())), null, false);
    }

    /** The same spec for every argument, like JAX's {@code in_axes=0}; {@code all(null)} maps nothing (give an axis size). */
    public static InAxes all(Integer axis) {
        return new InAxes(null, axis, true);
    }

    /** A spec per list element; unlike {@code List.of}, entries may be null. */
    public static List<Object> list(Object... specs) {
        for (int i = 0; i < specs.length; i++) validate(specs[i], "list entry " + i);
        return Collections.unmodifiableList(Arrays.asList(specs.clone()));
    }

    /**
     * A spec per record component (or map key), from alternating names and specs:
     * {@code fields("x", 0, "y", null)}.
     */
    public static Fields fields(Object... namesAndSpecs) {
        if (namesAndSpecs.length % 2 != 0) throw new TreeError("InAxes.fields: names and specs must alternate, got " + namesAndSpecs.length + " values");
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndSpecs.length; i += 2) {
            if (!(namesAndSpecs[i] instanceof String name)) throw new TreeError("InAxes.fields: expected a field name at position " + i + ", got " + namesAndSpecs[i]);
            if (m.containsKey(name)) throw new TreeError("InAxes.fields: field " + name + " is named twice");
            m.put(name, namesAndSpecs[i + 1]);
        }
        return new Fields(m);
    }

    /** Specs by record component or map key, usually made by {@link #fields}. Values may be null (not mapped). */
    public record Fields(Map<String, Object> byName) {
        public Fields {
            byName.forEach((name, spec) -> validate(spec, "field " + name));
            byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        }

        @Override
        public String toString() { return "fields" + byName; }
    }

    /** Number of arguments this spec is for, or -1 when it applies to any number ({@link #all}). */
    int arity() { return uniform ? -1 : perArgument.size(); }

    /** The spec of argument {@code i}. */
    Object spec(int i) { return uniform ? forEvery : perArgument.get(i); }

    static void validate(Object spec, String where) {
        switch (spec) {
            case null -> { }
            case Integer i -> { }
            case Fields f -> { }
            case List<?> l -> {
                for (int i = 0; i < l.size(); i++) validate(l.get(i), where + "[" + i + "]");
            }
            default -> throw invalid(spec, where);
        }
    }

    static TreeError invalid(Object spec, String where) {
        return new TreeError("vmap: the axis spec " + where + " must be null, an Integer, a List of specs or InAxes.fields(...), got "
                + spec + " (" + spec.getClass().getSimpleName() + ")");
    }

    @Override
    public String toString() {
        return uniform ? "InAxes.all(" + forEvery + ")" : "InAxes.of" + perArgument;
    }
}
