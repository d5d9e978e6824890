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

    /**
     * Algebraic simplification of identities that hold bit for bit: {@code x*1}, {@code 1*x},
     * {@code x/1}, {@code x-0} and {@code neg(neg(x))} become {@code x} when the result has x's type;
     * a transpose that swaps the two sides of a product's only result becomes the product with its
     * operands swapped (the same terms summed in the same order).
     * ({@code x+0} is not one of them: {@code -0.0 + 0.0} is {@code +0.0}.)
     */
    public static Program simplifyAlgebra(Program p) {
        Rewriter r = new Rewriter(p);
        java.util.Map<Atom, Atom> negated = new HashMap<>();
        int[] uses = useCounts(p);
        Equation[] definition = new Equation[p.types().size()];
        for (Equation e : p.equations()) for (Var v : e.results()) definition[v.id()] = e;
        for (Equation e : p.equations()) {
            List<Atom> ops = r.mapAll(e.operands());
            if (e.results().isEmpty()) {
                r.emit(e, ops); // (a control-flow equation whose results were all split off; DCE drops it)
                continue;
            }
            AbstractArray out = p.type(e.results().getFirst());
            if (e.primitive() == Primitive.TRANSPOSE && e.operands().getFirst() instanceof Var v && uses[v.id()] == 1
                    && definition[v.id()] != null && swapsProductSides(definition[v.id()], p, e.params().getInts("permutation"))) {
                // (A·B)ᵀ = Bᵀ·Aᵀ: the product with its operands swapped, rather than a product then a transposing copy.
                Equation dot = definition[v.id()];
                Params swapped = Params.of("lhs_contract", dot.params().getInts("rhs_contract"), "rhs_contract", dot.params().getInts("lhs_contract"),
                        "lhs_batch", new int[0], "rhs_batch", new int[0]);
                List<Atom> dotOps = r.mapAll(dot.operands());
                r.bind(e.result(), r.emit(new Equation(Primitive.DOT_GENERAL, swapped, List.of(dot.operands().get(1), dot.operands().get(0)),
                        e.results()), List.of(dotOps.get(1), dotOps.get(0))).getFirst());
                continue;
            }
            Atom same = switch (e.primitive()) {
                case MUL -> isLiteral(ops.get(1), 1) ? ops.get(0) : isLiteral(ops.get(0), 1) ? ops.get(1) : null;
                case DIV -> isLiteral(ops.get(1), 1) ? ops.get(0) : null;
                case SUB -> isLiteral(ops.get(1), 0) ? ops.get(0) : null;
                case NEG -> negated.get(ops.get(0));
                default -> null;
            };
            if (same != null && r.type(same).equals(out)) {
                r.bind(e.result(), same);
                continue;
            }
            List<Var> res = r.emit(e, ops);
            if (e.primitive() == Primitive.NEG) negated.put(res.getFirst(), ops.get(0));
        }
        return r.finish();
    }

    /**
     * Whether {@code transpose[perm]} of the result of {@code dot} (a dot_general without batch
     * axes) moves its rhs-free axes in front of its lhs-free axes, each group in order: the
     * result of the product with its operands swapped.
     */
    private static boolean swapsProductSides(Equation dot, Program p, int[] perm) {
        if (dot.primitive() != Primitive.DOT_GENERAL || dot.params().getInts("lhs_batch").length != 0) return false;
        int lhsFree = p.type(dot.operands().get(0)).rank() - dot.params().getInts("lhs_contract").length;
        int rhsFree = perm.length - lhsFree;
        if (lhsFree == 0 || rhsFree == 0) return false;
        for (int i = 0; i < rhsFree; i++) if (perm[i] != lhsFree + i) return false;
        for (int i = 0; i < lhsFree; i++) if (perm[rhsFree + i] != i) return false;
        return true;
    }

    private static int[] useCounts(Program p) {
        int[] uses = new int[p.types().size()];
        for (Equation e : p.equations()) for (Atom a : e.operands()) if (a instanceof Var v) uses[v.id()]++;
        for (Atom a : p.outputs()) if (a instanceof Var v) uses[v.id()]++;
        return uses;
    }

    private static boolean isLiteral(Atom a, double v) {
        return a instanceof Literal l && !l.dtype().isBool() && l.asDouble() == v && !(v == 0 && 1 / l.asDouble() < 0);
    }

    /** The standard pipeline run on traced programs: fold, simplify identities, CSE, then DCE. */
    public static Program simplify(Program p) {
        // DCE first: simplifyAlgebra rewrites by use counts, which dead uses would inflate (and a second run would then differ).
        return pipeline(Passes::dce, Passes::foldConstants, Passes::simplifyAlgebra, Passes::cse, Passes::dce).apply(p);
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
