package org.nabla4j.autodiff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Axes;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Shape;

/**
 * The JVP rule table, one short block per primitive. Primitives whose results are piecewise
 * constant or not real-valued (comparisons, rounding, integer outputs) are in {@link #ZERO_DERIVATIVE}.
 */
final class JvpRules {
    private static final Map<Primitive, JvpRule> RULES = new EnumMap<>(Primitive.class);

    /** Primitives whose tangent is always zero. */
    static final Set<Primitive> ZERO_DERIVATIVE = Collections.unmodifiableSet(EnumSet.of(
            Primitive.SIGN, Primitive.FLOOR, Primitive.CEIL, Primitive.ROUND, Primitive.IS_FINITE, Primitive.NOT,
            Primitive.AND, Primitive.OR, Primitive.XOR, Primitive.EQ, Primitive.NE, Primitive.LT, Primitive.LE,
            Primitive.GT, Primitive.GE, Primitive.IOTA, Primitive.ARGMAX, Primitive.ARGMIN, Primitive.STOP_GRADIENT));

    /** A rule that emits the primal computation too (control flow, so the primal work is not repeated). */
    @FunctionalInterface
    interface JointRule {
        ControlFlowJvp.Result apply(Emitter e, Params params, List<Atom> x, List<Atom> t);
    }

    /** Rules of primitives differentiated jointly with their primal: cond, while, scan, custom_vjp_call. */
    static final Map<Primitive, JointRule> JOINT = new EnumMap<>(Map.of(
            Primitive.COND, ControlFlowJvp::cond,
            Primitive.WHILE, ControlFlowJvp::whileLoop,
            Primitive.SCAN, ControlFlowJvp::scan,
            Primitive.CUSTOM_VJP_CALL, ControlFlowJvp::customVjp));

    private JvpRules() {}

    static JvpRule get(Primitive p) { return RULES.get(p); }

    static boolean has(Primitive p) { return RULES.containsKey(p) || ZERO_DERIVATIVE.contains(p) || JOINT.containsKey(p); }

    private static void def(Primitive p, JvpRule r) {
        if (RULES.put(p, r) != null) throw new IllegalStateException("JVP rule for " + p + " defined twice");
    }

    /** A unary rule {@code t_y = t_x * f'(x, y)}; {@code derivative} emits f'. */
    private interface Derivative {
        Atom of(Emitter e, Atom x, Atom y);
    }

    private static void unary(Primitive p, Derivative d) {
        def(p, (e, params, x, t, y) -> List.of(e.mul(t.getFirst(), d.of(e, x.getFirst(), y.getFirst()))));
    }

    /** The primitive is linear in all operands: apply it to the tangents (zeros materialized). */
    private static void linear(Primitive p) {
        def(p, (e, params, x, t, y) -> List.of(e.op(p, params, materialize(e, x, t).toArray(Atom[]::new))));
    }

    static {
        def(Primitive.NEG, (e, p, x, t, y) -> List.of(e.neg(t.getFirst())));
        unary(Primitive.ABS, (e, x, y) -> e.sign(x));
        unary(Primitive.EXP, (e, x, y) -> y);
        unary(Primitive.EXP2, (e, x, y) -> e.mul(y, e.scalarLike(y, Math.log(2))));
        unary(Primitive.LOG, (e, x, y) -> e.div(e.scalarLike(x, 1), x));
        unary(Primitive.LOG1P, (e, x, y) -> e.div(e.scalarLike(x, 1), e.add(x, e.scalarLike(x, 1))));
        unary(Primitive.EXPM1, (e, x, y) -> e.add(y, e.scalarLike(y, 1)));
        unary(Primitive.SIN, (e, x, y) -> e.cos(x));
        unary(Primitive.COS, (e, x, y) -> e.neg(e.sin(x)));
        unary(Primitive.TAN, (e, x, y) -> e.add(e.scalarLike(y, 1), e.square(y)));
        unary(Primitive.TANH, (e, x, y) -> e.sub(e.scalarLike(y, 1), e.square(y)));
        unary(Primitive.LOGISTIC, (e, x, y) -> e.mul(y, e.sub(e.scalarLike(y, 1), y)));
        unary(Primitive.SQRT, (e, x, y) -> e.div(e.scalarLike(y, 0.5), y));
        unary(Primitive.RSQRT, (e, x, y) -> e.mul(e.div(y, x), e.scalarLike(y, -0.5)));

        def(Primitive.CONVERT_ELEMENT_TYPE, (e, p, x, t, y) -> {
            DType from = e.dtype(x.getFirst()), to = p.getDType("new_dtype");
            return Collections.singletonList(from.isFloating() && to.isFloating() ? e.convert(t.getFirst(), to) : null);
        });

        def(Primitive.ADD, (e, p, x, t, y) -> List.of(sumTangents(e, y.getFirst(), t.get(0), t.get(1), false)));
        def(Primitive.SUB, (e, p, x, t, y) -> List.of(sumTangents(e, y.getFirst(), t.get(0), t.get(1), true)));
        def(Primitive.MUL, (e, p, x, t, y) -> List.of(sumTangents(e, y.getFirst(),
                t.get(0) == null ? null : e.mul(t.get(0), x.get(1)),
                t.get(1) == null ? null : e.mul(x.get(0), t.get(1)), false)));
        // d(a/b) = (ta - tb * (a/b)) / b
        def(Primitive.DIV, (e, p, x, t, y) -> List.of(sumTangents(e, y.getFirst(),
                t.get(0) == null ? null : e.div(t.get(0), x.get(1)),
                t.get(1) == null ? null : e.mul(t.get(1), e.div(y.getFirst(), x.get(1))), true)));
        // rem(a, b) = a - b * trunc(a / b), and trunc(a / b) = (a - rem) / b is piecewise constant.
        def(Primitive.REM, (e, p, x, t, y) -> List.of(sumTangents(e, y.getFirst(), t.get(0),
                t.get(1) == null ? null : e.mul(t.get(1), e.div(e.sub(x.get(0), y.getFirst()), x.get(1))), true)));
        def(Primitive.POW, JvpRules::powJvp);
        def(Primitive.MAX, (e, p, x, t, y) -> List.of(minMaxJvp(e, x, t, y.getFirst(), Primitive.GT)));
        def(Primitive.MIN, (e, p, x, t, y) -> List.of(minMaxJvp(e, x, t, y.getFirst(), Primitive.LT)));
        // atan2(a, b): d = (b * ta - a * tb) / (a^2 + b^2)
        def(Primitive.ATAN2, (e, p, x, t, y) -> {
            Atom a = x.get(0), b = x.get(1);
            Atom denom = e.add(e.square(a), e.square(b));
            return List.of(sumTangents(e, y.getFirst(),
                    t.get(0) == null ? null : e.mul(t.get(0), e.div(b, denom)),
                    t.get(1) == null ? null : e.mul(t.get(1), e.div(a, denom)), true));
        });

        def(Primitive.SELECT_N, (e, p, x, t, y) -> {
            List<Atom> cases = new ArrayList<>();
            cases.add(x.getFirst());
            for (int i = 1; i < x.size(); i++) cases.add(t.get(i) != null ? t.get(i) : e.zeros(e.type(y.getFirst())));
            return List.of(e.op(Primitive.SELECT_N, cases.toArray(Atom[]::new)));
        });

        linear(Primitive.BROADCAST_IN_DIM);
        linear(Primitive.RESHAPE);
        linear(Primitive.TRANSPOSE);
        linear(Primitive.SQUEEZE);
        linear(Primitive.EXPAND_DIMS);
        linear(Primitive.SLICE);
        linear(Primitive.PAD);
        linear(Primitive.CONCATENATE);
        linear(Primitive.REDUCE_SUM);
        linear(Primitive.CUMSUM);
        // Index operands are integers and carry no tangent; the array operands are linear.
        def(Primitive.DYNAMIC_SLICE, (e, p, x, t, y) -> List.of(withIndices(e, Primitive.DYNAMIC_SLICE, p, x, t, 1)));
        def(Primitive.DYNAMIC_UPDATE_SLICE, (e, p, x, t, y) -> List.of(withIndices(e, Primitive.DYNAMIC_UPDATE_SLICE, p, x, t, 2)));
        def(Primitive.GATHER, (e, p, x, t, y) -> List.of(e.op(Primitive.GATHER, p, t.get(0), x.get(1))));
        def(Primitive.SCATTER_ADD, (e, p, x, t, y) -> {
            Atom to = t.get(0) != null ? t.get(0) : e.zeros(e.type(x.get(0)));
            Atom tu = t.get(2) != null ? t.get(2) : e.zeros(e.type(x.get(2)));
            return List.of(e.op(Primitive.SCATTER_ADD, p, to, x.get(1), tu));
        });

        def(Primitive.DOT_GENERAL, (e, p, x, t, y) -> List.of(sumTangents(e, y.getFirst(),
                t.get(0) == null ? null : e.op(Primitive.DOT_GENERAL, p, t.get(0), x.get(1)),
                t.get(1) == null ? null : e.op(Primitive.DOT_GENERAL, p, x.get(0), t.get(1)), false)));

        // Ties share the derivative equally, as in JAX.
        def(Primitive.REDUCE_MAX, (e, p, x, t, y) -> List.of(extremumJvp(e, p, x.getFirst(), t.getFirst(), y.getFirst())));
        def(Primitive.REDUCE_MIN, (e, p, x, t, y) -> List.of(extremumJvp(e, p, x.getFirst(), t.getFirst(), y.getFirst())));
        def(Primitive.REDUCE_PROD, (e, p, x, t, y) -> List.of(prodJvp(e, p.getInts("axes"), x.getFirst(), t.getFirst())));
        def(Primitive.SORT, JvpRules::sortJvp);
    }

    // ---- helpers ----

    static List<Atom> materialize(Emitter e, List<Atom> x, List<Atom> t) {
        List<Atom> out = new ArrayList<>(t.size());
        for (int i = 0; i < t.size(); i++) out.add(t.get(i) != null ? t.get(i) : e.zeros(e.type(x.get(i))));
        return out;
    }

    /** {@code a + b} (or {@code a - b}) of tangents that may be zero or rank 0, broadcast to y's shape. */
    private static Atom sumTangents(Emitter e, Atom y, Atom a, Atom b, boolean subtract) {
        Shape s = e.shape(y);
        if (a == null && b == null) return null;
        if (b == null) return e.broadcastTo(a, s);
        Atom bb = subtract ? e.neg(b) : b;
        if (a == null) return e.broadcastTo(bb, s);
        return e.broadcastTo(e.add(a, bb), s);
    }

    private static Atom withIndices(Emitter e, Primitive prim, Params p, List<Atom> x, List<Atom> t, int firstIndex) {
        List<Atom> ops = new ArrayList<>(materialize(e, x.subList(0, firstIndex), t.subList(0, firstIndex)));
        ops.addAll(x.subList(firstIndex, x.size()));
        return e.op(prim, p, ops.toArray(Atom[]::new));
    }

    /** y = a^b: ta * b * a^(b-1) (0 where b == 0) + tb * y * log(a) (0 where a == 0). */
    private static List<Atom> powJvp(Emitter e, Params p, List<Atom> x, List<Atom> t, List<Atom> y) {
        Atom a = x.get(0), b = x.get(1), out = y.getFirst();
        Atom da = null, db = null;
        if (t.get(0) != null) {
            Atom coeff = e.mul(b, e.pow(a, e.sub(b, e.scalarLike(b, 1))));
            Atom bIsZero = e.eq(b, e.scalarLike(b, 0));
            coeff = e.select(e.broadcastTo(bIsZero, e.shape(coeff)), coeff, e.zeros(e.type(coeff)));
            da = e.mul(t.get(0), coeff);
        }
        if (t.get(1) != null) {
            Atom aIsZero = e.eq(a, e.scalarLike(a, 0));
            Atom safeA = e.select(aIsZero, a, e.full(e.type(a), 1));
            db = e.mul(t.get(1), e.mul(out, e.log(safeA)));
        }
        return List.of(sumTangents(e, out, da, db, false));
    }

    /** max/min: the tangent of the winner; half of each on ties. */
    private static Atom minMaxJvp(Emitter e, List<Atom> x, List<Atom> t, Atom y, Primitive wins) {
        Atom a = x.get(0), b = x.get(1);
        AbstractArray ty = e.type(y);
        Atom aWins = e.convert(e.op(wins, a, b), ty.dtype());
        Atom tie = e.convert(e.eq(a, b), ty.dtype());
        Atom weightA = e.broadcastTo(e.add(aWins, e.mul(tie, e.scalarLike(y, 0.5))), ty.shape());
        Atom weightB = e.sub(e.scalarLike(y, 1), weightA);
        return sumTangents(e, y, t.get(0) == null ? null : e.mul(t.get(0), weightA),
                t.get(1) == null ? null : e.mul(t.get(1), weightB), false);
    }

    /** reduce_max/min: the mean of the tangents at the positions equal to the extremum. */
    private static Atom extremumJvp(Emitter e, Params p, Atom x, Atom t, Atom y) {
        int[] axes = p.getInts("axes");
        Shape xs = e.shape(x);
        int[] kept = Axes.complement(xs.rank(), axes);
        Atom yb = e.broadcastInDim(y, xs, kept);
        Atom mask = e.convert(e.eq(x, yb), e.dtype(x));
        Atom count = e.reduceSum(mask, axes);
        return e.div(e.reduceSum(e.mul(t, mask), axes), count);
    }

    /** reduce_prod: sum over the reduced positions of t_i times the product of the other elements. */
    private static Atom prodJvp(Emitter e, int[] axes, Atom x, Atom t) {
        Shape xs = e.shape(x);
        int[] kept = Axes.complement(xs.rank(), axes);
        int[] perm = new int[xs.rank()];
        System.arraycopy(axes, 0, perm, 0, axes.length);
        System.arraycopy(kept, 0, perm, axes.length, kept.length);
        int n = 1, m = 1;
        for (int a : axes) n *= xs.dim(a);
        for (int k : kept) m *= xs.dim(k);
        DType dt = e.dtype(x);
        Atom x2 = e.reshape(e.transpose(x, perm), Shape.of(n, m));
        Atom t2 = e.reshape(e.transpose(t, perm), Shape.of(n, m));
        // others[i, j] = prod over k != i of x2[k, j], via an (n, n, m) masked product (reduce_prod is rare).
        Shape cube = Shape.of(n, n, m);
        Atom xk = e.broadcastInDim(x2, cube, new int[] {1, 2});
        Atom row = e.op(Primitive.IOTA, Params.of("dtype", DType.I32, "shape", cube, "dimension", 0));
        Atom col = e.op(Primitive.IOTA, Params.of("dtype", DType.I32, "shape", cube, "dimension", 1));
        Atom masked = e.select(e.eq(row, col), xk, e.full(new AbstractArray(dt, cube), 1));
        Atom others = e.op(Primitive.REDUCE_PROD, Params.of("axes", new int[] {1}), masked);
        Atom sum = e.reduceSum(e.mul(t2, others), new int[] {0});
        int[] keptDims = new int[kept.length];
        for (int i = 0; i < kept.length; i++) keptDims[i] = xs.dim(kept[i]);
        return e.reshape(sum, Shape.of(keptDims));
    }

    /** sort: sort once more with an iota operand to learn the permutation, then gather each tangent. */
    private static List<Atom> sortJvp(Emitter e, Params p, List<Atom> x, List<Atom> t, List<Atom> y) {
        int dim = p.getInt("dimension");
        Shape s = e.shape(x.getFirst());
        List<Atom> ops = new ArrayList<>(x);
        ops.add(e.op(Primitive.IOTA, Params.of("dtype", DType.I32, "shape", s, "dimension", dim)));
        List<? extends Atom> sorted = e.ops(Primitive.SORT, p, ops);
        Atom perm = sorted.getLast();
        List<Atom> out = new ArrayList<>();
        for (Atom ti : t) out.add(ti == null ? null : e.op(Primitive.GATHER, Params.of("axis", dim), ti, perm));
        return out;
    }

}
