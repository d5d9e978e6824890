package org.nabla4j.autodiff;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Tensor;
import org.nabla4j.ir.Var;

/**
 * For every primitive with a non-zero derivative, a generator of small f64 programs that apply it
 * at random shapes (rank 0 to 3, sizes 1 to 4, so size-1 axes and rank-0 broadcasting occur) and
 * inputs inside its smooth domain.
 */
final class PrimitiveCases {
    /** A program, inputs to evaluate it at, and which inputs are differentiable. */
    record Case(String name, Program program, List<Tensor> inputs, boolean[] wrt) {}

    /** Builds a case into a builder; returns the outputs. */
    private interface Body {
        List<Atom> build(Gen g);
    }

    /** The generator's state while one case is built. */
    static final class Gen {
        final Random random;
        final ProgramBuilder b = new ProgramBuilder();
        final Emitter e = new Emitter(b);
        final List<Tensor> inputs = new ArrayList<>();
        final List<Boolean> wrt = new ArrayList<>();

        Gen(Random random) {
            this.random = random;
        }

        Shape shape(int minRank, int maxRank) {
            int rank = minRank + random.nextInt(maxRank - minRank + 1);
            int[] d = new int[rank];
            for (int i = 0; i < rank; i++) d[i] = 1 + random.nextInt(4);
            return Shape.of(d);
        }

        Var input(Shape s, double lo, double hi) {
            double[] data = new double[s.size()];
            for (int i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * random.nextDouble();
            AbstractArray t = new AbstractArray(DType.F64, s);
            inputs.add(Tensor.wrap(t, data));
            wrt.add(true);
            return b.input(t);
        }

        Var indices(Shape s, int bound) {
            int[] data = new int[s.size()];
            for (int i = 0; i < data.length; i++) data[i] = random.nextInt(Math.max(bound, 1));
            AbstractArray t = new AbstractArray(DType.I32, s);
            inputs.add(Tensor.wrap(t, data));
            wrt.add(false);
            return b.input(t);
        }
    }

    private static final Map<Primitive, Body> CASES = new EnumMap<>(Primitive.class);

    private static void unary(Primitive p, double lo, double hi) {
        CASES.put(p, g -> List.of(g.e.op(p, g.input(g.shape(0, 3), lo, hi))));
    }

    private static void binary(Primitive p, double lo0, double hi0, double lo1, double hi1) {
        CASES.put(p, g -> {
            Shape s = g.shape(0, 3);
            int form = g.random.nextInt(3);
            Shape s0 = form == 1 ? Shape.SCALAR : s, s1 = form == 2 ? Shape.SCALAR : s;
            return List.of(g.e.op(p, g.input(s0, lo0, hi0), g.input(s1, lo1, hi1)));
        });
    }

    static {
        unary(Primitive.NEG, -2, 2);
        CASES.put(Primitive.ABS, g -> {
            // |x| is smooth away from 0: keep inputs at least 0.2 from it.
            Atom x = g.input(g.shape(0, 3), 0.2, 2);
            return List.of(g.e.op(Primitive.ABS, g.e.mul(x, g.random.nextBoolean() ? Emitter.literal(-1, DType.F64) : Emitter.literal(1, DType.F64))));
        });
        unary(Primitive.EXP, -2, 2);
        unary(Primitive.EXP2, -2, 2);
        unary(Primitive.LOG, 0.5, 3);
        unary(Primitive.LOG1P, -0.5, 2);
        unary(Primitive.EXPM1, -2, 2);
        unary(Primitive.SIN, -3, 3);
        unary(Primitive.COS, -3, 3);
        unary(Primitive.TAN, -1, 1);
        unary(Primitive.TANH, -2, 2);
        unary(Primitive.LOGISTIC, -3, 3);
        unary(Primitive.SQRT, 0.5, 3);
        unary(Primitive.RSQRT, 0.5, 3);
        CASES.put(Primitive.CONVERT_ELEMENT_TYPE, g -> {
            Atom x = g.input(g.shape(0, 3), -2, 2);
            // f64 -> f64 through a multiply keeps finite differences exact enough; the f32 round trip is tested separately.
            return List.of(g.e.op(Primitive.CONVERT_ELEMENT_TYPE, Params.of("new_dtype", DType.F64), g.e.mul(x, x)));
        });

        binary(Primitive.ADD, -2, 2, -2, 2);
        binary(Primitive.SUB, -2, 2, -2, 2);
        binary(Primitive.MUL, -2, 2, -2, 2);
        binary(Primitive.DIV, -2, 2, 0.5, 2);
        binary(Primitive.REM, 0.1, 3, 0.7, 1.3);
        binary(Primitive.POW, 0.5, 2, -2, 2);
        binary(Primitive.MAX, -2, 2, -2, 2);
        binary(Primitive.MIN, -2, 2, -2, 2);
        binary(Primitive.ATAN2, -2, 2, 0.3, 2);

        CASES.put(Primitive.SELECT_N, g -> {
            Shape s = g.shape(0, 3);
            Var x = g.input(s, -2, 2), y = g.input(s, -2, 2), z = g.input(s, -2, 2);
            Atom pred = g.e.gt(x, Emitter.literal(0, DType.F64));
            Atom which = g.e.convert(pred, DType.I32);
            return List.of(g.e.select(pred, y, z), g.e.op(Primitive.SELECT_N, which, x, y));
        });
        CASES.put(Primitive.BROADCAST_IN_DIM, g -> {
            Shape out = g.shape(1, 3);
            int[] dims = new int[out.rank()];
            int[] in = new int[out.rank()];
            for (int i = 0; i < out.rank(); i++) {
                dims[i] = i;
                in[i] = g.random.nextBoolean() ? 1 : out.dim(i);
            }
            Shape bigger = Shape.of(concat(new int[] {2}, out.dims()));
            return List.of(g.e.broadcastInDim(g.input(Shape.of(in), -2, 2), bigger, shift(dims, 1)));
        });
        CASES.put(Primitive.RESHAPE, g -> {
            Shape s = g.shape(1, 3);
            return List.of(g.e.reshape(g.input(s, -2, 2), Shape.of(s.size())));
        });
        CASES.put(Primitive.TRANSPOSE, g -> {
            Shape s = Shape.of(2, 3, 1 + g.random.nextInt(3));
            return List.of(g.e.transpose(g.input(s, -2, 2), new int[] {2, 0, 1}));
        });
        CASES.put(Primitive.SQUEEZE, g -> List.of(g.e.op(Primitive.SQUEEZE, Params.of("dims", new int[] {1}), g.input(Shape.of(3, 1, 2), -2, 2))));
        CASES.put(Primitive.EXPAND_DIMS, g -> List.of(g.e.op(Primitive.EXPAND_DIMS, Params.of("dims", new int[] {0, 2}), g.input(g.shape(1, 2), -2, 2))));
        CASES.put(Primitive.SLICE, g -> List.of(g.e.op(Primitive.SLICE,
                Params.of("start", new int[] {1, 0}, "limit", new int[] {5, 3}, "strides", new int[] {2, 1 + g.random.nextInt(2)}),
                g.input(Shape.of(6, 3), -2, 2))));
        CASES.put(Primitive.PAD, g -> List.of(g.e.op(Primitive.PAD,
                Params.of("low", new int[] {1, -1}, "high", new int[] {0, 2}, "interior", new int[] {1, 0}),
                g.input(Shape.of(3, 4), -2, 2), g.input(Shape.SCALAR, -2, 2))));
        CASES.put(Primitive.CONCATENATE, g -> List.of(g.e.op(Primitive.CONCATENATE, Params.of("dimension", 1),
                g.input(Shape.of(2, 1), -2, 2), g.input(Shape.of(2, 3), -2, 2), g.input(Shape.of(2, 2), -2, 2))));
        CASES.put(Primitive.DYNAMIC_SLICE, g -> List.of(g.e.op(Primitive.DYNAMIC_SLICE, Params.of("sizes", new int[] {2, 2}),
                g.input(Shape.of(4, 3), -2, 2), g.indices(Shape.SCALAR, 4), g.indices(Shape.SCALAR, 3))));
        CASES.put(Primitive.DYNAMIC_UPDATE_SLICE, g -> List.of(g.e.op(Primitive.DYNAMIC_UPDATE_SLICE,
                g.input(Shape.of(4, 3), -2, 2), g.input(Shape.of(2, 2), -2, 2), g.indices(Shape.SCALAR, 4), g.indices(Shape.SCALAR, 3))));
        CASES.put(Primitive.GATHER, g -> List.of(g.e.op(Primitive.GATHER, Params.of("axis", 1),
                g.input(Shape.of(3, 4), -2, 2), g.indices(Shape.of(3, 5), 4))));
        CASES.put(Primitive.SCATTER_ADD, g -> List.of(g.e.op(Primitive.SCATTER_ADD, Params.of("axis", 0),
                g.input(Shape.of(3, 2), -2, 2), g.indices(Shape.of(4, 2), 3), g.input(Shape.of(4, 2), -2, 2))));
        CASES.put(Primitive.REDUCE_SUM, g -> List.of(g.e.reduceSum(g.input(Shape.of(2, 3, 4), -2, 2), new int[] {0, 2})));
        CASES.put(Primitive.REDUCE_MAX, g -> List.of(g.e.op(Primitive.REDUCE_MAX, Params.of("axes", new int[] {1}), g.input(g.shape(2, 3), -2, 2))));
        CASES.put(Primitive.REDUCE_MIN, g -> List.of(g.e.op(Primitive.REDUCE_MIN, Params.of("axes", new int[] {0}), g.input(g.shape(1, 3), -2, 2))));
        CASES.put(Primitive.REDUCE_PROD, g -> List.of(g.e.op(Primitive.REDUCE_PROD, Params.of("axes", new int[] {1}), g.input(Shape.of(2, 3, 2), -2, 2))));
        CASES.put(Primitive.CUMSUM, g -> List.of(g.e.op(Primitive.CUMSUM, Params.of("axis", 1, "reverse", g.random.nextBoolean()),
                g.input(Shape.of(2, 4), -2, 2))));
        CASES.put(Primitive.DOT_GENERAL, g -> {
            int b = 1 + g.random.nextInt(2), m = 1 + g.random.nextInt(3), k = 1 + g.random.nextInt(3), n = 1 + g.random.nextInt(3);
            Var x = g.input(Shape.of(k, b, m), -2, 2), y = g.input(Shape.of(b, n, k), -2, 2);
            Atom batched = g.e.dot(x, y, new int[] {0}, new int[] {2}, new int[] {1}, new int[] {0});
            Atom plain = g.e.dot(g.input(Shape.of(m, k), -2, 2), g.input(Shape.of(k, n), -2, 2), new int[] {1}, new int[] {0}, new int[0], new int[0]);
            return List.of(batched, plain);
        });
        CASES.put(Primitive.COND, g -> {
            Shape s = g.shape(0, 2);
            AbstractArray t = new AbstractArray(DType.F64, s);
            List<Program> branches = List.of(
                    sub(List.of(t, t), (e, in) -> List.of(e.mul(in.get(0), e.sin(in.get(1))))),
                    sub(List.of(t, t), (e, in) -> List.of(e.sub(e.exp(in.get(0)), in.get(1)))));
            return new ArrayList<>(g.e.ops(Primitive.COND, Params.of("branches", branches),
                    List.of(g.indices(Shape.SCALAR, 2), g.input(s, -2, 2), g.input(s, -2, 2))));
        });
        CASES.put(Primitive.WHILE, g -> {
            // while k < n: (k + 1, x * tanh(x) + w): consts n, w; carry k, x.
            Shape s = g.shape(0, 2);
            AbstractArray i32 = AbstractArray.scalar(DType.I32), t = new AbstractArray(DType.F64, s);
            List<AbstractArray> types = List.of(i32, t, i32, t);
            Program cond = sub(types, (e, in) -> List.of(e.lt(in.get(2), in.get(0))));
            Program body = sub(types, (e, in) -> List.of(e.add(in.get(2), Emitter.literal(1, DType.I32)),
                    e.add(e.mul(in.get(3), e.tanh(in.get(3))), in.get(1))));
            return new ArrayList<>(g.e.ops(Primitive.WHILE, Params.of("cond", cond, "body", body, "nconsts", 2),
                    List.of(g.indices(Shape.SCALAR, 4), g.input(s, -1, 1), g.indices(Shape.SCALAR, 1), g.input(s, -1, 1))));
        });
        CASES.put(Primitive.SCAN, g -> {
            // c' = tanh(c * w + x), y = c * x: consts w; carry c; xs x.
            Shape s = g.shape(0, 2);
            int n = 1 + g.random.nextInt(4);
            AbstractArray t = new AbstractArray(DType.F64, s);
            Program body = sub(List.of(t, t, t), (e, in) -> List.of(e.tanh(e.add(e.mul(in.get(1), in.get(0)), in.get(2))),
                    e.mul(in.get(1), in.get(2))));
            return new ArrayList<>(g.e.ops(Primitive.SCAN, Params.of("body", body, "length", n, "reverse", g.random.nextBoolean(),
                    "nconsts", 1, "ncarry", 1), List.of(g.input(s, -1, 1), g.input(s, -1, 1), g.input(Shape.of(concat(new int[] {n}, s.dims())), -1, 1))));
        });
        CASES.put(Primitive.CUSTOM_VJP_CALL, g -> {
            // f(x, y) = sin(x) * y with its derivative given by hand: bwd(res, ct) = (ct cos(x) y, ct sin(x)).
            Shape s = g.shape(0, 2);
            AbstractArray t = new AbstractArray(DType.F64, s);
            Program call = sub(List.of(t, t), (e, in) -> List.of(e.mul(e.sin(in.get(0)), in.get(1))));
            Program fwd = sub(List.of(t, t), (e, in) -> List.of(e.mul(e.sin(in.get(0)), in.get(1)), e.cos(in.get(0)), e.sin(in.get(0)), in.get(1)));
            Program bwd = sub(List.of(t, t, t, t), (e, in) -> List.of(e.mul(e.mul(in.get(3), in.get(0)), in.get(2)), e.mul(in.get(3), in.get(1))));
            return new ArrayList<>(g.e.ops(Primitive.CUSTOM_VJP_CALL, Params.of("call", call, "fwd", fwd, "bwd", bwd, "nres", 3),
                    List.of(g.input(s, -2, 2), g.input(s, -2, 2))));
        });
        CASES.put(Primitive.SORT, g -> {
            Shape s = Shape.of(3, 4);
            return new ArrayList<>(g.e.ops(Primitive.SORT, Params.of("dimension", 1, "num_keys", 1),
                    List.of(g.input(s, -2, 2), g.input(s, -2, 2))));
        });
    }

    private PrimitiveCases() {}

    /** Primitives with a case: every primitive whose derivative is not identically zero. */
    static java.util.Set<Primitive> covered() { return CASES.keySet(); }

    static Case make(Primitive p, Random random) {
        Gen g = new Gen(random);
        List<Atom> outs = CASES.get(p).build(g);
        boolean[] wrt = new boolean[g.wrt.size()];
        for (int i = 0; i < wrt.length; i++) wrt[i] = g.wrt.get(i);
        return new Case(p.irName(), g.b.build(outs), List.copyOf(g.inputs), wrt);
    }

    /** A closed sub-program over inputs of the given types. */
    static Program sub(List<AbstractArray> types, java.util.function.BiFunction<Emitter, List<Var>, List<Atom>> body) {
        ProgramBuilder b = new ProgramBuilder();
        List<Var> in = new ArrayList<>();
        for (AbstractArray t : types) in.add(b.input(t));
        return b.build(body.apply(new Emitter(b), in));
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static int[] shift(int[] a, int by) {
        int[] r = a.clone();
        for (int i = 0; i < r.length; i++) r[i] += by;
        return r;
    }

    /** Applies f to every element of a f64 tensor. */
    static Tensor map(Tensor t, Function<Double, Double> f) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) d[i] = f.apply(t.getDouble(i));
        return Tensor.wrap(t.type(), d);
    }
}
