package org.nabla4j.ir.batching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Literal;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Var;

/**
 * Random small programs around one primitive: one equation on fresh inputs (and sometimes a
 * constant or a literal operand), with random shapes, dtypes and parameters, so that every branch
 * of the primitive's batching rule is reached once its operands are mapped at random axes.
 */
final class PrimitiveCases {
    private final Random r;
    private final ProgramBuilder b = new ProgramBuilder();

    private PrimitiveCases(Random r) {
        this.r = r;
    }

    static Program of(Primitive p, Random r) {
        return new PrimitiveCases(r).build(p);
    }

    private static final List<DType> FLOATS = List.of(DType.F32, DType.F64);
    private static final List<DType> NUMERIC = List.of(DType.I32, DType.I64, DType.F32, DType.F64);
    private static final List<DType> INTEGERS = List.of(DType.I32, DType.I64);
    private static final List<DType> ALL = List.of(DType.BOOL, DType.I32, DType.I64, DType.F32, DType.F64);

    private Program build(Primitive p) {
        if (p.kind() == Primitive.Kind.UNARY) return unary(p);
        if (p.kind() == Primitive.Kind.BINARY) return binary(p);
        return switch (p) {
            case SELECT_N -> {
                boolean bool = r.nextBoolean();
                Shape s = shape(3);
                DType t = pick(ALL);
                Atom pred = r.nextBoolean() ? input(bool ? DType.BOOL : DType.I32, s) : input(bool ? DType.BOOL : DType.I32, Shape.SCALAR);
                List<Atom> ops = new ArrayList<>(List.of(pred));
                for (int i = 0; i < (bool ? 2 : 3); i++) ops.add(input(t, s));
                yield one(p, Params.EMPTY, ops);
            }
            case IOTA -> {
                Shape s = shape(3);
                if (s.rank() == 0) s = Shape.of(2);
                DType t = pick(NUMERIC);
                Var iota = b.add1(p, Params.of("dtype", t, "shape", s, "dimension", r.nextInt(s.rank())));
                yield b.build(List.of(b.add1(Primitive.ADD, Params.EMPTY, input(t, s), iota)));
            }
            case BROADCAST_IN_DIM -> {
                Shape x = shape(2);
                int outRank = x.rank() + r.nextInt(3);
                int[] dims = sortedSubset(outRank, x.rank());
                int[] out = new int[outRank];
                for (int i = 0; i < outRank; i++) out[i] = 1 + r.nextInt(3);
                for (int i = 0; i < dims.length; i++) out[dims[i]] = x.dim(i) == 1 ? 1 + r.nextInt(3) : x.dim(i);
                yield one(p, Params.of("shape", out, "dims", dims), input(pick(ALL), x));
            }
            case RESHAPE -> {
                Shape x = shape(3);
                List<Integer> dims = new ArrayList<>(x.toList());
                for (int i = r.nextInt(3); i > 0; i--) dims.add(1);
                Collections.shuffle(dims, r);
                yield one(p, Params.of("shape", dims), input(pick(ALL), x));
            }
            case TRANSPOSE -> {
                Shape x = shape(3);
                yield one(p, Params.of("permutation", permutation(x.rank())), input(pick(ALL), x));
            }
            case SQUEEZE -> {
                Shape x = shape(3);
                List<Integer> dims = new ArrayList<>(x.toList());
                int ones = r.nextInt(3);
                for (int i = 0; i < ones; i++) dims.add(r.nextInt(dims.size() + 1), 1);
                int[] squeezable = IntStream.range(0, dims.size()).filter(i -> dims.get(i) == 1).toArray();
                int[] chosen = Arrays.stream(squeezable).filter(i -> r.nextBoolean()).toArray();
                yield one(p, Params.of("dims", chosen), input(pick(ALL), Shape.of(dims)));
            }
            case EXPAND_DIMS -> {
                Shape x = shape(2);
                int added = 1 + r.nextInt(2);
                yield one(p, Params.of("dims", sortedSubset(x.rank() + added, added)), input(pick(ALL), x));
            }
            case SLICE -> {
                Shape x = shape(3);
                int n = x.rank();
                int[] start = new int[n], limit = new int[n], strides = new int[n];
                for (int i = 0; i < n; i++) {
                    start[i] = r.nextInt(x.dim(i) + 1);
                    limit[i] = start[i] + r.nextInt(x.dim(i) - start[i] + 1);
                    strides[i] = 1 + r.nextInt(3);
                }
                yield one(p, Params.of("start", start, "limit", limit, "strides", strides), input(pick(ALL), x));
            }
            case PAD -> {
                Shape x = shape(2);
                DType t = pick(ALL);
                int n = x.rank();
                int[] low = new int[n], high = new int[n], interior = new int[n];
                for (int i = 0; i < n; i++) {
                    interior[i] = r.nextInt(3);
                    int grown = x.dim(i) + Math.max(x.dim(i) - 1, 0) * interior[i];
                    low[i] = Math.max(-grown, r.nextInt(4) - 1);
                    high[i] = Math.max(-grown - low[i], r.nextInt(4) - 1);
                }
                Atom value = r.nextBoolean() ? input(t, Shape.SCALAR) : literal(t);
                yield one(p, Params.of("low", low, "high", high, "interior", interior), input(t, x), value);
            }
            case CONCATENATE -> {
                Shape x = shape(3);
                if (x.rank() == 0) x = Shape.of(2);
                int dim = r.nextInt(x.rank());
                DType t = pick(ALL);
                List<Atom> ops = new ArrayList<>();
                for (int i = 1 + r.nextInt(3); i > 0; i--) {
                    int[] d = x.dims();
                    d[dim] = r.nextInt(4);
                    ops.add(input(t, Shape.of(d)));
                }
                yield one(p, Params.of("dimension", dim), ops);
            }
            case DYNAMIC_SLICE -> {
                Shape x = shape(3);
                int[] sizes = new int[x.rank()];
                for (int i = 0; i < sizes.length; i++) sizes[i] = r.nextInt(x.dim(i) + 1);
                List<Atom> ops = new ArrayList<>(List.of(input(pick(ALL), x)));
                ops.addAll(startIndices(x.rank()));
                yield one(p, Params.of("sizes", sizes), ops);
            }
            case DYNAMIC_UPDATE_SLICE -> {
                Shape x = shape(3);
                int[] u = new int[x.rank()];
                for (int i = 0; i < u.length; i++) u[i] = r.nextInt(x.dim(i) + 1);
                DType t = pick(ALL);
                List<Atom> ops = new ArrayList<>(List.of(input(t, x), input(t, Shape.of(u))));
                ops.addAll(startIndices(x.rank()));
                yield one(p, Params.EMPTY, ops);
            }
            case GATHER, SCATTER_ADD -> {
                Shape x = nonEmptyShape(3);
                int axis = r.nextInt(x.rank());
                int[] idx = x.dims();
                idx[axis] = r.nextInt(4);
                DType t = p == Primitive.GATHER ? pick(ALL) : pick(NUMERIC);
                List<Atom> ops = new ArrayList<>(List.of(input(t, x), input(pick(INTEGERS), Shape.of(idx))));
                if (p == Primitive.SCATTER_ADD) ops.add(input(t, Shape.of(idx)));
                yield one(p, Params.of("axis", axis), ops);
            }
            case REDUCE_SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD -> {
                Shape x = shape(3);
                int[] axes = sortedSubset(x.rank(), r.nextInt(x.rank() + 1));
                yield one(p, Params.of("axes", axes), input(pick(NUMERIC), x));
            }
            case ARGMAX, ARGMIN -> {
                Shape x = nonEmptyShape(3);
                yield one(p, Params.of("axis", r.nextInt(x.rank()), "index_dtype", pick(INTEGERS)), input(pick(NUMERIC), x));
            }
            case CUMSUM -> {
                Shape x = nonEmptyShape(3);
                yield one(p, Params.of("axis", r.nextInt(x.rank()), "reverse", r.nextBoolean()), input(pick(NUMERIC), x));
            }
            case DOT_GENERAL -> dot();
            case SORT -> {
                Shape x = nonEmptyShape(3);
                int n = 1 + r.nextInt(3);
                List<Atom> ops = new ArrayList<>();
                for (int i = 0; i < n; i++) ops.add(input(pick(NUMERIC), x));
                Params params = Params.of("dimension", r.nextInt(x.rank()), "num_keys", 1 + r.nextInt(n));
                yield b.build(b.add(p, params, ops));
            }
            case COND -> {
                Shape sh = shape(2);
                DType t = pick(FLOATS);
                AbstractArray x = new AbstractArray(t, sh);
                List<Program> branches = List.of(
                        sub(List.of(x, x), (sb, in) -> List.of(sb.add1(Primitive.MUL, Params.EMPTY, in.get(0), in.get(1)))),
                        sub(List.of(x, x), (sb, in) -> List.of(sb.add1(Primitive.SUB, Params.EMPTY, in.get(0), in.get(1)))),
                        sub(List.of(x, x), (sb, in) -> List.of(sb.add1(Primitive.SIN, Params.EMPTY, in.get(0)))));
                yield one(p, Params.of("branches", branches), input(DType.I32, Shape.SCALAR), input(t, sh), input(t, sh));
            }
            case WHILE -> {
                // consts: limit; carry: counter, value. Runs limit - counter times (or not at all).
                Shape sh = shape(2);
                DType t = pick(FLOATS);
                AbstractArray i32 = AbstractArray.scalar(DType.I32), v = new AbstractArray(t, sh);
                List<AbstractArray> types = List.of(i32, i32, v);
                Program cond = sub(types, (sb, in) -> List.of(sb.add1(Primitive.LT, Params.EMPTY, in.get(1), in.get(0))));
                Program body = sub(types, (sb, in) -> List.of(sb.add1(Primitive.ADD, Params.EMPTY, in.get(1), new Literal(1L, DType.I32)),
                        sb.add1(Primitive.MUL, Params.EMPTY, in.get(2), new Literal(1.5, t))));
                yield b.build(b.add(p, Params.of("cond", cond, "body", body, "nconsts", 1),
                        List.of(input(DType.I32, Shape.SCALAR), input(DType.I32, Shape.SCALAR), input(t, sh))));
            }
            case SCAN -> {
                // consts: w; carry: c; xs: x. c' = c * w + x_i, y_i = sin(c).
                Shape sh = shape(2);
                DType t = pick(FLOATS);
                int n = 1 + r.nextInt(3);
                AbstractArray v = new AbstractArray(t, sh);
                Program body = sub(List.of(v, v, v), (sb, in) -> {
                    Var cw = sb.add1(Primitive.MUL, Params.EMPTY, in.get(1), in.get(0));
                    return List.of(sb.add1(Primitive.ADD, Params.EMPTY, cw, in.get(2)), sb.add1(Primitive.SIN, Params.EMPTY, in.get(1)));
                });
                int[] xs = new int[sh.rank() + 1];
                xs[0] = n;
                System.arraycopy(sh.dims(), 0, xs, 1, sh.rank());
                yield b.build(b.add(p, Params.of("body", body, "length", n, "reverse", r.nextBoolean(), "nconsts", 1, "ncarry", 1),
                        List.of(input(t, sh), input(t, sh), input(t, Shape.of(xs)))));
            }
            case CUSTOM_VJP_CALL -> {
                // f(x, y) = sin(x) * y; fwd also returns cos(x), sin(x), y; bwd(res, g) = (g cos(x) y, g sin(x)).
                Shape sh = shape(2);
                DType t = pick(FLOATS);
                AbstractArray v = new AbstractArray(t, sh);
                Program call = sub(List.of(v, v), (sb, in) -> List.of(sb.add1(Primitive.MUL, Params.EMPTY,
                        sb.add1(Primitive.SIN, Params.EMPTY, in.get(0)), in.get(1))));
                Program fwd = sub(List.of(v, v), (sb, in) -> {
                    Var sin = sb.add1(Primitive.SIN, Params.EMPTY, in.get(0));
                    return List.of(sb.add1(Primitive.MUL, Params.EMPTY, sin, in.get(1)), sb.add1(Primitive.COS, Params.EMPTY, in.get(0)), sin, in.get(1));
                });
                Program bwd = sub(List.of(v, v, v, v), (sb, in) -> List.of(
                        sb.add1(Primitive.MUL, Params.EMPTY, sb.add1(Primitive.MUL, Params.EMPTY, in.get(3), in.get(0)), in.get(2)),
                        sb.add1(Primitive.MUL, Params.EMPTY, in.get(3), in.get(1))));
                yield one(p, Params.of("call", call, "fwd", fwd, "bwd", bwd, "nres", 3), input(t, sh), input(t, sh));
            }
            default -> throw new AssertionError("no case generator for " + p);
        };
    }

    private Program unary(Primitive p) {
        List<DType> dtypes = switch (p) {
            case NEG, ABS, SIGN -> NUMERIC;
            case NOT -> List.of(DType.BOOL, DType.I32, DType.I64);
            case CONVERT_ELEMENT_TYPE, STOP_GRADIENT -> ALL;
            default -> FLOATS;
        };
        Params params = p == Primitive.CONVERT_ELEMENT_TYPE ? Params.of("new_dtype", pick(ALL)) : Params.EMPTY;
        return one(p, params, input(pick(dtypes), shape(3)));
    }

    /** Operands of one shape, or rank 0 (an input, a constant or a literal), at least one not a literal. */
    private Program binary(Primitive p) {
        List<DType> dtypes = switch (p) {
            case AND, OR, XOR -> List.of(DType.BOOL, DType.I32, DType.I64);
            case ATAN2 -> FLOATS;
            case EQ, NE, LT, LE, GT, GE -> ALL;
            default -> NUMERIC;
        };
        DType t = pick(dtypes);
        Shape s = shape(3);
        Atom x = input(t, r.nextInt(4) == 0 ? Shape.SCALAR : s);
        Atom y = switch (r.nextInt(4)) {
            case 0 -> literal(t);
            case 1 -> b.constVar(new AbstractArray(t, r.nextBoolean() ? Shape.SCALAR : s));
            default -> input(t, r.nextInt(3) == 0 ? Shape.SCALAR : s);
        };
        if (b.type(x).rank() > 0 && b.type(y).rank() > 0 && !b.type(x).equals(b.type(y))) y = input(t, b.type(x).shape());
        return r.nextBoolean() ? one(p, Params.EMPTY, x, y) : one(p, Params.EMPTY, y, x);
    }

    /** A dot_general with random batch, contracting and free axes, each operand's axes in random order. */
    private Program dot() {
        int nb = r.nextInt(2), nc = r.nextInt(3), lf = r.nextInt(2), rf = r.nextInt(2);
        int[] batch = dims(nb), contract = dims(nc);
        int[] lhsOrder = permutation(nb + nc + lf), rhsOrder = permutation(nb + nc + rf);
        int[] lhs = new int[lhsOrder.length], rhs = new int[rhsOrder.length];
        int[] lb = new int[nb], rb = new int[nb], lc = new int[nc], rc = new int[nc];
        for (int i = 0; i < lhs.length; i++) {
            int k = lhsOrder[i];
            lhs[i] = k < nb ? batch[k] : k < nb + nc ? contract[k - nb] : 1 + r.nextInt(3);
            if (k < nb) lb[k] = i; else if (k < nb + nc) lc[k - nb] = i;
        }
        for (int i = 0; i < rhs.length; i++) {
            int k = rhsOrder[i];
            rhs[i] = k < nb ? batch[k] : k < nb + nc ? contract[k - nb] : 1 + r.nextInt(3);
            if (k < nb) rb[k] = i; else if (k < nb + nc) rc[k - nb] = i;
        }
        DType t = pick(NUMERIC);
        Params params = Params.of("lhs_contract", lc, "rhs_contract", rc, "lhs_batch", lb, "rhs_batch", rb);
        return one(Primitive.DOT_GENERAL, params, input(t, Shape.of(lhs)), input(t, Shape.of(rhs)));
    }

    private List<Atom> startIndices(int n) {
        List<Atom> starts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DType t = pick(INTEGERS);
            starts.add(r.nextInt(4) == 0 ? new Literal(r.nextInt(5) - 1, t) : input(t, Shape.SCALAR));
        }
        return starts;
    }

    private Program one(Primitive p, Params params, Atom... operands) {
        return one(p, params, List.of(operands));
    }

    private Program one(Primitive p, Params params, List<Atom> operands) {
        return b.build(b.add(p, params, operands));
    }

    private Var input(DType t, Shape s) { return b.input(new AbstractArray(t, s)); }

    /** A closed sub-program over inputs of the given types. */
    private static Program sub(List<AbstractArray> types, java.util.function.BiFunction<ProgramBuilder, List<Var>, List<? extends Atom>> body) {
        ProgramBuilder sb = new ProgramBuilder();
        List<Var> in = new ArrayList<>();
        for (AbstractArray t : types) in.add(sb.input(t));
        return sb.build(body.apply(sb, in));
    }

    private Literal literal(DType t) {
        return t == DType.BOOL ? new Literal(r.nextBoolean(), t) : new Literal((r.nextInt(9) - 4) / 2.0, t);
    }

    private DType pick(List<DType> ts) { return ts.get(r.nextInt(ts.size())); }

    /** Rank up to maxRank, dimensions 0 to 3 (0 rarely). */
    private Shape shape(int maxRank) {
        return Shape.of(dims(r.nextInt(maxRank + 1)));
    }

    private Shape nonEmptyShape(int maxRank) {
        int[] d = dims(1 + r.nextInt(maxRank));
        for (int i = 0; i < d.length; i++) d[i] = Math.max(d[i], 1);
        return Shape.of(d);
    }

    private int[] dims(int rank) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) d[i] = r.nextInt(12) == 0 ? 0 : 1 + r.nextInt(3);
        return d;
    }

    private int[] permutation(int n) {
        List<Integer> l = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Collections.shuffle(l, r);
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** k distinct axes of [0, n), increasing. */
    private int[] sortedSubset(int n, int k) {
        int[] p = permutation(n);
        int[] s = Arrays.copyOf(p, k);
        Arrays.sort(s);
        return s;
    }
}
