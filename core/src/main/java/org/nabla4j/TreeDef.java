package org.nabla4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The structure of a pytree with its leaves taken out. Equal structures are {@code equals}, so a
 * TreeDef is part of jit's cache key; static (non-array) values inside it compare by
 * {@code equals}.
 */
public sealed interface TreeDef {

    /** Number of array leaves. */
    int leafCount();

    /** An array leaf. */
    record Leaf() implements TreeDef {
        @Override public int leafCount() { return 1; }
    }

    /** {@code null}. */
    record Null() implements TreeDef {
        @Override public int leafCount() { return 0; }
    }

    /** A record, children in component order. */
    record RecordNode(Class<?> type, List<TreeDef> children) implements TreeDef {
        public RecordNode { children = List.copyOf(children); }
        @Override public int leafCount() { return count(children); }
    }

    /** A {@code List}. */
    record ListNode(List<TreeDef> children) implements TreeDef {
        public ListNode { children = List.copyOf(children); }
        @Override public int leafCount() { return count(children); }
    }

    /** A {@code Map} with String keys, children in sorted key order. */
    record MapNode(List<String> keys, List<TreeDef> children) implements TreeDef {
        public MapNode { keys = List.copyOf(keys); children = List.copyOf(children); }
        @Override public int leafCount() { return count(children); }
    }

    /** A class registered with {@link Trees#register}. */
    record RegisteredNode(Class<?> type, List<TreeDef> children) implements TreeDef {
        public RegisteredNode { children = List.copyOf(children); }
        @Override public int leafCount() { return count(children); }
    }

    /** The arguments of a call, one child per argument. */
    record ArgsNode(List<TreeDef> children) implements TreeDef {
        public ArgsNode { children = List.copyOf(children); }
        @Override public int leafCount() { return count(children); }
    }

    /** A static value (a Java number, string, enum, config record…): part of the structure, not a leaf. */
    record Static(Object value) implements TreeDef {
        @Override public int leafCount() { return 0; }

        @Override public boolean equals(Object o) {
            // Same class and equal value: 1 and 1L are different static arguments.
            return o instanceof Static s && s.value.getClass() == value.getClass() && s.value.equals(value);
        }

        @Override public int hashCode() { return Objects.hash(value.getClass(), value); }
    }

    /** Paths of the leaves in flatten order, e.g. {@code args[0].w1}, {@code [2]}, {@code ["bias"]}. */
    default List<String> leafPaths(String root) {
        List<String> out = new ArrayList<>();
        Trees.collectPaths(this, root, out);
        return out;
    }

    private static int count(List<TreeDef> children) {
        int n = 0;
        for (TreeDef c : children) n += c.leafCount();
        return n;
    }
}
