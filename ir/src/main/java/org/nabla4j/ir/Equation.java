package org.nabla4j.ir;

import java.util.List;

/** One SSA equation: {@code results = primitive[params] operands}. */
public record Equation(Primitive primitive, Params params, List<Atom> operands, List<Var> results) {
    public Equation {
        operands = List.copyOf(operands);
        results = List.copyOf(results);
        if (params == null) params = Params.EMPTY;
    }

    public Var result() {
        if (results.size() != 1) throw new IllegalStateException(primitive + " has " + results.size() + " results");
        return results.getFirst();
    }
}
