package org.nabla4j.ir;

import java.util.List;

/**
 * Checks the invariants of a {@link Program}: every operand is defined before use, every
 * equation's result types are what its primitive's shape rule gives, outputs are defined.
 * Passes are verified after each run in tests.
 */
public final class Verifier {
    private Verifier() {}

    /** Throws {@link IllegalStateException} describing the first broken invariant. */
    public static Program verify(Program p) {
        boolean[] defined = new boolean[p.types().size()];
        for (Var v : p.constVars()) defined[v.id()] = true;
        for (Var v : p.inputs()) defined[v.id()] = true;
        for (int i = 0; i < p.equations().size(); i++) {
            Equation e = p.equations().get(i);
            for (Atom a : e.operands()) {
                if (a instanceof Var v && !defined[v.id()]) {
                    throw new IllegalStateException("equation " + i + " (" + e.primitive() + ") uses " + v + " before its definition");
                }
            }
            List<AbstractArray> inferred;
            try {
                inferred = PrimitiveRules.infer(e.primitive(), e.params(), e.operands().stream().map(p::type).toList());
            } catch (RuntimeException ex) {
                throw new IllegalStateException("equation " + i + " is ill-typed: " + ex.getMessage(), ex);
            }
            List<AbstractArray> declared = e.results().stream().map(p::type).toList();
            if (!inferred.equals(declared)) {
                throw new IllegalStateException("equation " + i + " (" + e.primitive() + ") declares " + declared + " but its rule gives " + inferred);
            }
            for (Var v : e.results()) defined[v.id()] = true;
        }
        for (Atom a : p.outputs()) {
            if (a instanceof Var v && !defined[v.id()]) throw new IllegalStateException("output " + v + " is not defined");
        }
        return p;
    }
}
