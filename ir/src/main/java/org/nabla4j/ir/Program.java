package org.nabla4j.ir;

import java.util.List;

/**
 * A typed SSA program in A-normal form: constant variables (bound to arrays supplied at run
 * time), input variables, equations and outputs. Immutable.
 *
 * <p>Variable ids are canonical: constants first, then inputs, then equation results in order,
 * numbered from 0 without gaps. Two programs that print alike are therefore {@code equals}.
 * Build programs with {@link ProgramBuilder}; read them with {@link ProgramParser}; print with
 * {@link #toString()}.
 */
public record Program(List<Var> constVars, List<Var> inputs, List<Equation> equations, List<Atom> outputs,
                      List<AbstractArray> types) {

    public Program {
        constVars = List.copyOf(constVars);
        inputs = List.copyOf(inputs);
        equations = List.copyOf(equations);
        outputs = List.copyOf(outputs);
        types = List.copyOf(types);
        int next = 0;
        for (Var v : constVars) next = expect(v, next);
        for (Var v : inputs) next = expect(v, next);
        for (Equation e : equations) {
            for (Var v : e.results()) next = expect(v, next);
        }
        if (next != types.size()) {
            throw new IllegalArgumentException("type table has " + types.size() + " entries for " + next + " vars");
        }
    }

    private static int expect(Var v, int next) {
        if (v.id() != next) throw new IllegalArgumentException("var ids are not canonical: expected " + next + ", got " + v.id());
        return next + 1;
    }

    public AbstractArray type(Atom a) {
        return switch (a) {
            case Var v -> types.get(v.id());
            case Literal l -> l.type();
        };
    }

    public List<AbstractArray> inputTypes() { return inputs.stream().map(this::type).toList(); }

    public List<AbstractArray> constTypes() { return constVars.stream().map(this::type).toList(); }

    public List<AbstractArray> outputTypes() { return outputs.stream().map(this::type).toList(); }

    /** The text form, e.g. {@code { lambda ; a:f32[3]. let b:f32[3] = sin a in (b) }} over several lines. */
    @Override
    public String toString() { return ProgramPrinter.print(this); }
}
