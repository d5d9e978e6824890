package org.nabla4j.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.nabla4j.DType;

/**
 * The static parameters of an equation, e.g. {@code axes=(0, 1)}. Immutable; keeps insertion
 * order for printing. Values are {@link Integer}, {@link Boolean}, {@link Double}, {@link DType},
 * tuples ({@code List<Integer>}), sub-programs ({@link Program}, for control flow) or tuples of
 * sub-programs ({@code List<Program>}).
 */
public final class Params {
    public static final Params EMPTY = new Params(Map.of());

    private final Map<String, Object> values;

    private Params(Map<String, Object> values) {
        this.values = values;
    }

    /** Builds from alternating names and values: {@code Params.of("axes", List.of(0, 1))}. */
    public static Params of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) throw new IllegalArgumentException("names and values must alternate");
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], normalize(namesAndValues[i + 1]));
        }
        return m.isEmpty() ? EMPTY : new Params(Collections.unmodifiableMap(m));
    }

    private static Object normalize(Object v) {
        return switch (v) {
            case int[] a -> java.util.Arrays.stream(a).boxed().toList();
            case List<?> l -> List.copyOf(l);
            case Integer i -> i;
            case Boolean b -> b;
            case Double d -> d;
            case DType t -> t;
            case Program p -> p;
            case Shape s -> s.toList();
            case null -> throw new IllegalArgumentException("null param value");
            default -> throw new IllegalArgumentException("unsupported param value " + v + " (" + v.getClass() + ")");
        };
    }

    /** A copy with {@code name} set to {@code value}. */
    public Params with(String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(name, normalize(value));
        return new Params(Collections.unmodifiableMap(m));
    }

    public boolean has(String name) { return values.containsKey(name); }

    public Map<String, Object> asMap() { return values; }

    public int getInt(String name) { return (Integer) require(name); }

    public boolean getBool(String name) { return (Boolean) require(name); }

    public DType getDType(String name) { return (DType) require(name); }

    public int[] getInts(String name) {
        @SuppressWarnings("unchecked")
        List<Integer> l = (List<Integer>) require(name);
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    public Shape getShape(String name) { return Shape.of(getInts(name)); }

    public Program getProgram(String name) { return (Program) require(name); }

    @SuppressWarnings("unchecked")
    public List<Program> getPrograms(String name) { return (List<Program>) require(name); }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) throw new IllegalArgumentException("missing param '" + name + "' in " + this);
        return v;
    }

    @Override
    public boolean equals(Object o) { return o instanceof Params p && values.equals(p.values); }

    @Override
    public int hashCode() { return values.hashCode(); }

    /** {@code [a=1 b=(0, 1)]}, or the empty string when there are none. */
    @Override
    public String toString() {
        if (values.isEmpty()) return "";
        return values.entrySet().stream()
                .map(e -> e.getKey() + "=" + valueText(e.getValue()))
                .collect(Collectors.joining(" ", "[", "]"));
    }

    static String valueText(Object v) {
        if (v instanceof List<?> l) {
            return l.stream().map(Object::toString).collect(Collectors.joining(", ", "(", ")"));
        }
        return v.toString();
    }
}
