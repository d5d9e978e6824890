package org.nabla4j.ir;

/** An SSA value: a small integer id into its program's type table. Prints as {@code a b c … z ba bb …}. */
public record Var(int id) implements Atom {
    public Var {
        if (id < 0) throw new IllegalArgumentException("negative var id " + id);
    }

    /** The printed name of id: base 26 over {@code a..z}, as JAX does. */
    public static String name(int id) {
        StringBuilder sb = new StringBuilder();
        int n = id;
        do {
            sb.append((char) ('a' + n % 26));
            n /= 26;
        } while (n > 0);
        return sb.reverse().toString();
    }

    /** Inverse of {@link #name}; -1 if {@code s} is not a var name. */
    public static int idOf(String s) {
        if (s.isEmpty()) return -1;
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 'a' || c > 'z') return -1;
            n = n * 26 + (c - 'a');
            if (n > Integer.MAX_VALUE) return -1;
        }
        return (int) n;
    }

    @Override
    public String toString() { return name(id); }
}
