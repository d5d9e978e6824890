package org.nabla4j.ir;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Program-to-program passes. Each keeps the program's interface (constants, inputs, output
 * types) and its results under the {@link Interpreter}. All primitives are pure, so an equation
 * whose results are unused can go, and two equal equations on equal operands compute one value.
 */
public final class Passes {
    private Passes() {}

    /** Dead-code elimination: drops equations none of whose results reach an output. */
    public static Program dce(Program p) {
        boolean[] live = new boolean[p.types().size()];
        for (Atom a : p.outputs()) markLive(a, live);
        boolean[] keep = new boolean[p.equations().size()];
        for (int i = p.equations().size() - 1; i >= 0; i--) {
            Equation e = p.equations().get(i);
            if (e.results().stream().anyMatch(v -> live[v.id()])) {
                keep[i] = true;
                for (Atom a : e.operands()) markLive(a, live);
            }
        }
        Rewriter r = new Rewriter(p);
        for (int i = 0; i < keep.length; i++) {
            Equation e = p.equations().get(i);
            if (keep[i]) r.emit(e, r.mapAll(e.operands()));
        }
        return r.finish();
    }

    private static void markLive(Atom a, boolean[] live) {
        if (a instanceof Var v) live[v.id()] = true;
    }

    /** Common-subexpression elimination: an equation equal to an earlier one reuses its results. */
    public static Program cse(Program p) {
        record Key(Primitive primitive, Params params, List<Atom> operands) {}
        Map<Key, List<Var>> seen = new HashMap<>();
        Rewriter r = new Rewriter(p);
        for (Equation e : p.equations()) {
            List<Atom> ops = r.mapAll(e.operands());
            Key key = new Key(e.primitive(), e.params(), ops);
            List<Var> earlier = seen.get(key);
            if (earlier != null) {
                for (int i = 0; i < earlier.size(); i++) r.bind(e.results().get(i), earlier.get(i));
            } else {
                seen.put(key, r.emit(e, ops));
            }
        }
        return r.finish();
    }

    /**
     * Constant folding: an equation whose operands are all literals and whose results are scalars
     * is evaluated now and replaced by literals.
     */
    public static Program foldConstants(Program p) {
        Rewriter r = new Rewriter(p);
        for (Equation e : p.equations()) {
            List<Atom> ops = r.mapAll(e.operands());
            boolean foldable = !ops.isEmpty() && ops.stream().allMatch(a -> a instanceof Literal)
                    && e.results().stream().allMatch(v -> p.type(v).rank() == 0);
            if (!foldable) {
                r.emit(e, ops);
                continue;
            }
            List<Tensor> values = PrimitiveRules.apply(e.primitive(), e.params(),
                    ops.stream().map(a -> Tensor.of((Literal) a)).toList());
            for (int i = 0; i < values.size(); i++) r.bind(e.results().get(i), toLiteral(values.get(i)));
        }
        return r.finish();
    }

    private static Literal toLiteral(Tensor t) {
        return switch (t.dtype()) {
            case BOOL -> new Literal(t.getBool(0), t.dtype());
            case I32, I64 -> new Literal(t.getLong(0), t.dtype());
            case F32, F64 -> new Literal(t.getDouble(0), t.dtype());
        };
    }

    /** The standard pipeline run on traced programs: fold, CSE, then DCE. */
    public static Program simplify(Program p) {
        return pipeline(Passes::foldConstants, Passes::cse, Passes::dce).apply(p);
    }

    @SafeVarargs
    public static UnaryOperator<Program> pipeline(UnaryOperator<Program>... passes) {
        return p -> {
            Program q = p;
            for (UnaryOperator<Program> pass : passes) q = pass.apply(q);
            return q;
        };
    }
}
