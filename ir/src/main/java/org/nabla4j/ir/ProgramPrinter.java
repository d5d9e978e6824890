package org.nabla4j.ir;

import java.util.List;
import java.util.stream.Collectors;

/** Prints a {@link Program} in the text form that {@link ProgramParser} reads back. */
final class ProgramPrinter {
    private ProgramPrinter() {}

    static String print(Program p) {
        StringBuilder sb = new StringBuilder();
        sb.append("{ lambda ").append(decls(p, p.constVars())).append(p.constVars().isEmpty() ? "; " : "; ")
                .append(decls(p, p.inputs())).append(". let\n");
        for (Equation e : p.equations()) {
            sb.append("    ").append(decls(p, e.results())).append(" = ").append(e.primitive().irName())
                    .append(e.params());
            for (Atom a : e.operands()) sb.append(' ').append(a);
            sb.append('\n');
        }
        sb.append("  in (").append(p.outputs().stream().map(Atom::toString).collect(Collectors.joining(", ")))
                .append(") }");
        return sb.toString();
    }

    private static String decls(Program p, List<Var> vars) {
        return vars.stream().map(v -> v + ":" + p.type(v)).collect(Collectors.joining(" "));
    }
}
