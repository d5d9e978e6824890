package org.nabla4j.ir;

import java.util.Arrays;
import java.util.List;
import org.nabla4j.DType;

/**
 * Typed shorthand for emitting equations into a {@link ProgramBuilder}, used by the transforms'
 * rule tables (JVP, transpose, batching). Each method emits one equation (or none, when the result
 * is trivially an operand) and returns the result atom. Binary operations follow the IR's rule:
 * equal shapes, or a rank-0 operand.
 */
public final class Emitter {
    private final ProgramBuilder builder;

    public Emitter(ProgramBuilder builder) {
        this.builder = builder;
    }

    public ProgramBuilder builder() { return builder; }

    public AbstractArray type(Atom a) { return builder.type(a); }

    public DType dtype(Atom a) { return builder.type(a).dtype(); }

    public Shape shape(Atom a) { return builder.type(a).shape(); }

    public Atom op(Primitive p, Params params, Atom... operands) { return builder.add1(p, params, operands); }

    public List<Var> ops(Primitive p, Params params, List<? extends Atom> operands) { return builder.add(p, params, operands); }

    public Atom op(Primitive p, Atom... operands) { return op(p, Params.EMPTY, operands); }

    public static Literal literal(double v, DType dtype) { return new Literal(dtype == DType.BOOL ? (Object) (v != 0) : v, dtype); }

    /** A scalar literal of a's dtype. */
    public Literal scalarLike(Atom a, double v) { return literal(v, dtype(a)); }

    /** An array of type t filled with v. */
    public Atom full(AbstractArray t, double v) {
        Literal l = literal(v, t.dtype());
        return t.rank() == 0 ? l : broadcastInDim(l, t.shape(), new int[0]);
    }

    public Atom zeros(AbstractArray t) { return full(t, 0); }

    public Atom add(Atom a, Atom b) { return op(Primitive.ADD, a, b); }
    public Atom sub(Atom a, Atom b) { return op(Primitive.SUB, a, b); }
    public Atom mul(Atom a, Atom b) { return op(Primitive.MUL, a, b); }
    public Atom div(Atom a, Atom b) { return op(Primitive.DIV, a, b); }
    public Atom neg(Atom a) { return op(Primitive.NEG, a); }
    public Atom max(Atom a, Atom b) { return op(Primitive.MAX, a, b); }
    public Atom min(Atom a, Atom b) { return op(Primitive.MIN, a, b); }
    public Atom pow(Atom a, Atom b) { return op(Primitive.POW, a, b); }
    public Atom exp(Atom a) { return op(Primitive.EXP, a); }
    public Atom log(Atom a) { return op(Primitive.LOG, a); }
    public Atom sin(Atom a) { return op(Primitive.SIN, a); }
    public Atom cos(Atom a) { return op(Primitive.COS, a); }
    public Atom sqrt(Atom a) { return op(Primitive.SQRT, a); }
    public Atom tanh(Atom a) { return op(Primitive.TANH, a); }
    public Atom logistic(Atom a) { return op(Primitive.LOGISTIC, a); }
    public Atom sign(Atom a) { return op(Primitive.SIGN, a); }
    public Atom eq(Atom a, Atom b) { return op(Primitive.EQ, a, b); }
    public Atom ne(Atom a, Atom b) { return op(Primitive.NE, a, b); }
    public Atom lt(Atom a, Atom b) { return op(Primitive.LT, a, b); }
    public Atom gt(Atom a, Atom b) { return op(Primitive.GT, a, b); }
    public Atom ge(Atom a, Atom b) { return op(Primitive.GE, a, b); }
    public Atom and(Atom a, Atom b) { return op(Primitive.AND, a, b); }
    public Atom not(Atom a) { return op(Primitive.NOT, a); }

    /** {@code a*a}. */
    public Atom square(Atom a) { return mul(a, a); }

    /** {@code select_n(pred, onFalse, onTrue)}. */
    public Atom select(Atom pred, Atom onFalse, Atom onTrue) { return op(Primitive.SELECT_N, pred, onFalse, onTrue); }

    public Atom convert(Atom a, DType to) {
        if (dtype(a) == to) return a;
        if (a instanceof Literal l) return new Literal(l.value() instanceof Boolean b ? (Object) b : (Object) l.asDouble(), to);
        return op(Primitive.CONVERT_ELEMENT_TYPE, Params.of("new_dtype", to), a);
    }

    public Atom broadcastInDim(Atom a, Shape shape, int[] dims) {
        if (shape.equals(shape(a)) && isIdentity(dims)) return a;
        return op(Primitive.BROADCAST_IN_DIM, Params.of("shape", shape, "dims", dims), a);
    }

    /** Broadcasts a rank-0 or equal-shaped atom to t's shape (NumPy rule restricted to leading rank-0). */
    public Atom broadcastTo(Atom a, Shape shape) {
        Shape s = shape(a);
        if (s.equals(shape)) return a;
        int lead = shape.rank() - s.rank();
        int[] dims = new int[s.rank()];
        for (int i = 0; i < dims.length; i++) dims[i] = lead + i;
        return broadcastInDim(a, shape, dims);
    }

    public Atom reshape(Atom a, Shape shape) {
        if (shape(a).equals(shape)) return a;
        return op(Primitive.RESHAPE, Params.of("shape", shape), a);
    }

    public Atom transpose(Atom a, int[] perm) {
        if (isIdentity(perm)) return a;
        return op(Primitive.TRANSPOSE, Params.of("permutation", perm), a);
    }

    public Atom reduceSum(Atom a, int[] axes) {
        if (axes.length == 0) return a;
        return op(Primitive.REDUCE_SUM, Params.of("axes", axes), a);
    }

    public Atom dot(Atom a, Atom b, int[] lhsContract, int[] rhsContract, int[] lhsBatch, int[] rhsBatch) {
        return op(Primitive.DOT_GENERAL, Params.of("lhs_contract", lhsContract, "rhs_contract", rhsContract,
                "lhs_batch", lhsBatch, "rhs_batch", rhsBatch), a, b);
    }

    private static boolean isIdentity(int[] perm) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) return false;
        }
        return true;
    }

    /** The inverse of a permutation. */
    public static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        return inv;
    }

    /** {@code 0, 1, …, n-1}. */
    public static int[] range(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }
}
