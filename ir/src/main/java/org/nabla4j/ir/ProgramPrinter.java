package org.nabla4j.ir;

import java.util.List;
import java.util.stream.Collectors;

/** Prints a {@link Program} in the text form that {@link ProgramParser} reads back. */
final class ProgramPrinter {
    private ProgramPrinter() {}

    static String print(Program p) {
        return print(p, "");
    }

    /** Prints with every line after the first indented by {@code indent} (for nested programs). */
    static String print(Program p, String indent) {
        StringBuilder sb = new StringBuilder();
        sb.append("{ lambda ").append(decls(p, p.constVars())).append(p.constVars().isEmpty() ? "; " : "; ")
                .append(decls(p, p.inputs())).append(". let\n");
        for (Equation e : p.equations()) {
            sb.append(indent).append("    ").append(decls(p, e.results())).append(" = ").append(e.primitive().irName())
                    .append(paramsText(e.params(), indent + "      "));
            for (Atom a : e.operands()) sb.append(' ').append(a);
            sb.append('\n');
        }
        sb.append(indent).append("  in (").append(p.outputs().stream().map(Atom::toString).collect(Collectors.joining(", ")))
                .append(") }");
        return sb.toString();
    }

    /** Params as {@link Params#toString()}, with nested programs printed indented. */
    private static String paramsText(Params params, String indent) {
        if (params.asMap().isEmpty()) return "";
        StringBuilder sb = new StringBuilder("[");
        boolean first = true;
        for (var e : params.asMap().entrySet()) {
            if (!first) sb.append(' ');
            first = false;
            sb.append(e.getKey()).append('=').append(valueText(e.getValue(), indent));
        }
        return sb.append(']').toString();
    }

    private static String valueText(Object v, String indent) {
        if (v instanceof Program p) return print(p, indent);
        if (v instanceof List<?> l) {
            return l.stream().map(x -> valueText(x, indent)).collect(Collectors.joining(", ", "(", ")"));
        }
        return v.toString();
    }

    private static String decls(Program p, List<Var> vars) {
        return vars.stream().map(v -> v + ":" + p.type(v)).collect(Collectors.joining(" "));
    }
}
