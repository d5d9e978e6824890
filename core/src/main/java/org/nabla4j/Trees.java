package org.nabla4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Pytree utilities. A pytree is an {@link NDArray} (a leaf), {@code null}, or a container of pytrees:
 * a record (components in declaration order), a {@code List}, a {@code Map} with String keys (in
 * sorted key order), or a class registered with {@link #register}.
 *
 * <pre>{@code
 * record Params(NDArray w, NDArray b) {}
 * Params scaled = Trees.map(x -> x.mul(0.5), params);
 * }</pre>
 */
public final class Trees {
    private Trees() {}

    /** A flattened pytree: its leaves in order and its structure. */
    public record Flat(List<NDArray> leaves, TreeDef def) {
        public Flat { leaves = Collections.unmodifiableList(leaves); }
    }

    private record Registration(Function<Object, List<?>> children, Function<List<?>, Object> rebuild) {}

    private static final Map<Class<?>, Registration> REGISTERED = new ConcurrentHashMap<>();

    private static final ClassValue<RecordInfo> RECORDS = new ClassValue<>() {
        @Override protected RecordInfo computeValue(Class<?> type) { return RecordInfo.of(type); }
    };

    /**
     * Registers a container class: {@code children} lists its subtrees, {@code rebuild} makes an
     * instance from (possibly transformed) subtrees.
     */
    @SuppressWarnings("unchecked")
    public static <T> void register(Class<T> type, Function<? super T, List<?>> children, Function<List<?>, ? extends T> rebuild) {
        REGISTERED.put(type, new Registration((Function<Object, List<?>>) children, (Function<List<?>, Object>) rebuild));
    }

    /** Flattens a pytree whose leaves must all be arrays; anything else is a {@link TreeError}. */
    public static Flat flatten(Object tree) {
        List<NDArray> leaves = new ArrayList<>();
        TreeDef def = flatten(tree, leaves, false, "tree");
        return new Flat(leaves, def);
    }

    /** Rebuilds a pytree of structure {@code def} from {@code leaves}. */
    public static Object unflatten(TreeDef def, List<NDArray> leaves) {
        if (leaves.size() != def.leafCount()) {
            throw new TreeError("unflatten: the structure has " + def.leafCount() + " leaves but " + leaves.size() + " were given");
        }
        Iterator<NDArray> it = leaves.iterator();
        return build(def, it);
    }

    /** The leaves of a pytree, in order. */
    public static List<NDArray> leaves(Object tree) { return flatten(tree).leaves(); }

    /** Applies {@code f} to every leaf, keeping the structure. */
    @SuppressWarnings("unchecked")
    public static <T> T map(Function<NDArray, NDArray> f, T tree) {
        Flat flat = flatten(tree);
        return (T) unflatten(flat.def(), flat.leaves().stream().map(f).toList());
    }

    /** Applies {@code f} leafwise to two pytrees of the same structure. */
    @SuppressWarnings("unchecked")
    public static <T> T map(java.util.function.BinaryOperator<NDArray> f, T a, T b) {
        Flat fa = flatten(a), fb = flatten(b);
        if (!fa.def().equals(fb.def())) {
            throw new TreeError("map: the two trees differ in structure: " + describe(fa.def()) + " vs " + describe(fb.def()));
        }
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < fa.leaves().size(); i++) out.add(f.apply(fa.leaves().get(i), fb.leaves().get(i)));
        return (T) unflatten(fa.def(), out);
    }

    // ---- internal: transformation arguments and results ----

    /** Flattens arguments or results of a transformed function: non-container values become static parts of the structure. */
    static TreeDef flattenLenient(Object tree, List<NDArray> leaves, String root) {
        return flatten(tree, leaves, true, root);
    }

    static Object build(TreeDef def, Iterator<NDArray> it) {
        return switch (def) {
            case TreeDef.Leaf l -> it.next();
            case TreeDef.Null n -> null;
            case TreeDef.Static s -> s.value();
            case TreeDef.ListNode l -> {
                List<Object> out = new ArrayList<>(l.children().size());
                for (TreeDef c : l.children()) out.add(build(c, it));
                yield Collections.unmodifiableList(out);
            }
            case TreeDef.ArgsNode a -> {
                Object[] out = new Object[a.children().size()];
                for (int i = 0; i < out.length; i++) out[i] = build(a.children().get(i), it);
                yield out;
            }
            case TreeDef.MapNode m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (int i = 0; i < m.keys().size(); i++) out.put(m.keys().get(i), build(m.children().get(i), it));
                yield Collections.unmodifiableMap(out);
            }
            case TreeDef.RecordNode r -> {
                Object[] comps = new Object[r.children().size()];
                for (int i = 0; i < comps.length; i++) comps[i] = build(r.children().get(i), it);
                yield RECORDS.get(r.type()).construct(comps);
            }
            case TreeDef.RegisteredNode r -> {
                List<Object> kids = new ArrayList<>();
                for (TreeDef c : r.children()) kids.add(build(c, it));
                yield REGISTERED.get(r.type()).rebuild().apply(kids);
            }
        };
    }

    /** Where a node is, for error messages only: built as a chain, turned into text only when an error needs it. */
    private record Path(Path parent, String segment) {
        Path child(String s) { return new Path(this, s); }

        @Override
        public String toString() { return parent == null ? segment : parent + segment; }
    }

    private static final String[] INDEX = java.util.stream.IntStream.range(0, 16).mapToObj(i -> "[" + i + "]").toArray(String[]::new);

    /** "[i]", without building a string for small i. */
    private static String index(int i) {
        return i < INDEX.length ? INDEX[i] : "[" + i + "]";
    }

    private static TreeDef flatten(Object tree, List<NDArray> leaves, boolean lenient, String root) {
        return flatten(tree, leaves, lenient, new Path(null, root));
    }

    private static TreeDef flatten(Object tree, List<NDArray> leaves, boolean lenient, Path path) {
        switch (tree) {
            case null -> { return new TreeDef.Null(); }
            case NDArray a -> {
                leaves.add(a);
                return new TreeDef.Leaf();
            }
            case List<?> l -> {
                List<TreeDef> kids = new ArrayList<>(l.size());
                for (int i = 0; i < l.size(); i++) kids.add(flatten(l.get(i), leaves, lenient, path.child(index(i))));
                return new TreeDef.ListNode(kids);
            }
            case Object[] arr when lenient -> {
                List<TreeDef> kids = new ArrayList<>(arr.length);
                for (int i = 0; i < arr.length; i++) kids.add(flatten(arr[i], leaves, true, path.child(index(i))));
                return new TreeDef.ArgsNode(kids);
            }
            case Map<?, ?> m -> {
                TreeMap<String, Object> sorted = new TreeMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new TreeError("pytree maps need String keys; found key " + e.getKey() + " at " + path);
                    }
                    sorted.put(k, e.getValue());
                }
                List<TreeDef> kids = new ArrayList<>();
                for (Map.Entry<String, Object> e : sorted.entrySet()) {
                    kids.add(flatten(e.getValue(), leaves, lenient, path.child("[\"" + e.getKey() + "\"]")));
                }
                return new TreeDef.MapNode(List.copyOf(sorted.keySet()), kids);
            }
            default -> {
                Registration reg = REGISTERED.get(tree.getClass());
                if (reg != null) {
                    List<?> children = reg.children().apply(tree);
                    List<TreeDef> kids = new ArrayList<>();
                    for (int i = 0; i < children.size(); i++) kids.add(flatten(children.get(i), leaves, lenient, path.child(index(i))));
                    return new TreeDef.RegisteredNode(tree.getClass(), kids);
                }
                if (tree instanceof Record) {
                    RecordInfo info = RECORDS.get(tree.getClass());
                    List<TreeDef> kids = new ArrayList<>();
                    for (int i = 0; i < info.names().size(); i++) {
                        kids.add(flatten(info.component(tree, i), leaves, lenient, path.child(info.dottedNames().get(i))));
                    }
                    return new TreeDef.RecordNode(tree.getClass(), kids);
                }
                if (lenient) return new TreeDef.Static(tree);
                throw new TreeError("unsupported pytree leaf of type " + tree.getClass().getName() + " at " + path
                        + ": leaves must be NDArray; containers are records, List, Map<String, ?> and classes registered with Trees.register");
            }
        }
    }

    static void collectPaths(TreeDef def, String path, List<String> out) {
        switch (def) {
            case TreeDef.Leaf l -> out.add(path);
            case TreeDef.Null n -> { }
            case TreeDef.Static s -> { }
            case TreeDef.ListNode l -> { for (int i = 0; i < l.children().size(); i++) collectPaths(l.children().get(i), path + "[" + i + "]", out); }
            case TreeDef.ArgsNode a -> { for (int i = 0; i < a.children().size(); i++) collectPaths(a.children().get(i), path + "[" + i + "]", out); }
            case TreeDef.RegisteredNode r -> { for (int i = 0; i < r.children().size(); i++) collectPaths(r.children().get(i), path + "[" + i + "]", out); }
            case TreeDef.MapNode m -> { for (int i = 0; i < m.keys().size(); i++) collectPaths(m.children().get(i), path + "[\"" + m.keys().get(i) + "\"]", out); }
            case TreeDef.RecordNode r -> {
                List<String> names = RECORDS.get(r.type()).names();
                for (int i = 0; i < names.size(); i++) collectPaths(r.children().get(i), path + "." + names.get(i), out);
            }
        }
    }

    /** A short description of a structure for error messages. */
    static String describe(TreeDef def) {
        return switch (def) {
            case TreeDef.Leaf l -> "*";
            case TreeDef.Null n -> "null";
            case TreeDef.Static s -> String.valueOf(s.value());
            case TreeDef.ListNode l -> "[" + join(l.children()) + "]";
            case TreeDef.ArgsNode a -> "(" + join(a.children()) + ")";
            case TreeDef.MapNode m -> {
                StringBuilder sb = new StringBuilder("{");
                for (int i = 0; i < m.keys().size(); i++) {
                    if (i > 0) sb.append(", ");
                    sb.append(m.keys().get(i)).append(": ").append(describe(m.children().get(i)));
                }
                yield sb.append('}').toString();
            }
            case TreeDef.RecordNode r -> r.type().getSimpleName() + "(" + join(r.children()) + ")";
            case TreeDef.RegisteredNode r -> r.type().getSimpleName() + "(" + join(r.children()) + ")";
        };
    }

    private static String join(List<TreeDef> defs) {
        return String.join(", ", defs.stream().map(Trees::describe).toList());
    }

    /** Accessors and canonical constructor of a record class, looked up once. */
    private record RecordInfo(List<String> names, List<String> dottedNames, List<MethodHandle> accessors, MethodHandle constructor) {
        static RecordInfo of(Class<?> type) {
            try {
                RecordComponent[] comps = type.getRecordComponents();
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                List<String> names = new ArrayList<>();
                List<MethodHandle> accessors = new ArrayList<>();
                Class<?>[] types = new Class<?>[comps.length];
                for (int i = 0; i < comps.length; i++) {
                    names.add(comps[i].getName());
                    var m = comps[i].getAccessor();
                    m.setAccessible(true);
                    accessors.add(lookup.unreflect(m).asType(MethodType.methodType(Object.class, Object.class)));
                    types[i] = comps[i].getType();
                }
                var ctor = type.getDeclaredConstructor(types);
                ctor.setAccessible(true);
                MethodHandle c = lookup.unreflectConstructor(ctor).asSpreader(Object[].class, comps.length)
                        .asType(MethodType.methodType(Object.class, Object[].class));
                return new RecordInfo(List.copyOf(names), names.stream().map(n -> "." + n).toList(), List.copyOf(accessors), c);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new TreeError("cannot use record " + type.getName() + " as a pytree: " + e);
            }
        }

        Object component(Object record, int i) {
            try {
                return accessors.get(i).invokeExact(record);
            } catch (Throwable t) {
                throw new TreeError("reading component " + names.get(i) + " of " + record.getClass().getName() + " failed: " + t);
            }
        }

        Object construct(Object[] comps) {
            try {
                return constructor.invokeExact(comps);
            } catch (ClassCastException e) {
                throw new TreeError("cannot rebuild record " + constructor.type() + " from " + java.util.Arrays.toString(comps) + ": " + e.getMessage());
            } catch (Throwable t) {
                if (t instanceof RuntimeException re) throw re;
                throw new TreeError("rebuilding record failed: " + t);
            }
        }
    }
}
