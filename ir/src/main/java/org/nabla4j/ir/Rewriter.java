package org.nabla4j.ir;

import java.util.List;

/**
 * Rebuilds a program equation by equation, mapping each old variable to a new atom. Passes use it:
 * they either {@link #emit} an equation (possibly with new operands) or {@link #bind} its results
 * to existing atoms. Constants and inputs keep their order.
 */
final class Rewriter {
    private final Program source;
    private final ProgramBuilder builder = new ProgramBuilder();
    private final Atom[] env;

    Rewriter(Program source) {
        this.source = source;
        this.env = new Atom[source.types().size()];
        for (Var v : source.constVars()) env[v.id()] = builder.constVar(source.type(v));
        for (Var v : source.inputs()) env[v.id()] = builder.input(source.type(v));
    }

    Program source() { return source; }

    Atom map(Atom a) {
        return a instanceof Var v ? env[v.id()] : a;
    }

    List<Atom> mapAll(List<Atom> atoms) {
        return atoms.stream().map(this::map).toList();
    }

    void bind(Var old, Atom now) {
        env[old.id()] = now;
    }

    /** Emits {@code e} with the given (already mapped) operands and binds its results. */
    List<Var> emit(Equation e, List<Atom> operands) {
        List<Var> out = builder.add(e.primitive(), e.params(), operands);
        for (int i = 0; i < out.size(); i++) env[e.results().get(i).id()] = out.get(i);
        return out;
    }

    AbstractArray type(Atom newAtom) {
        return builder.type(newAtom);
    }

    Program finish() {
        return builder.build(mapAll(source.outputs()));
    }
}
