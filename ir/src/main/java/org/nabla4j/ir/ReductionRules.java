package org.nabla4j.ir;

import static org.nabla4j.ir.PrimitiveRules.arity;
import static org.nabla4j.ir.PrimitiveRules.checkAxes;
import static org.nabla4j.ir.PrimitiveRules.define;
import static org.nabla4j.ir.PrimitiveRules.define1;
import static org.nabla4j.ir.PrimitiveRules.dtypeError;
import static org.nabla4j.ir.PrimitiveRules.shapeError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nabla4j.DType;

/**
 * Reductions, scans, contraction and sorting. Float reductions accumulate in double and round once;
 * an empty reduction gives the identity (0, 1, -inf/+inf, or the integer extremes).
 */
final class ReductionRules {
    private ReductionRules() {}

    private enum Monoid {
        SUM, PROD, MAX, MIN;

        double identity() {
            return switch (this) {
                case SUM -> 0;
                case PROD -> 1;
                case MAX -> Double.NEGATIVE_INFINITY;
                case MIN -> Double.POSITIVE_INFINITY;
            };
        }

        long identity(DType t) {
            return switch (this) {
                case SUM -> 0;
                case PROD -> 1;
                case MAX -> t == DType.I32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
                case MIN -> t == DType.I32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
            };
        }

        double combine(double a, double b) {
            return switch (this) {
                case SUM -> a + b;
                case PROD -> a * b;
                case MAX -> Double.isNaN(a) || a > b ? a : b;
                case MIN -> Double.isNaN(a) || a < b ? a : b;
            };
        }

        long combine(long a, long b) {
            return switch (this) {
                case SUM -> a + b;
                case PROD -> a * b;
                case MAX -> Math.max(a, b);
                case MIN -> Math.min(a, b);
            };
        }
    }

    static void register() {
        reduction(Primitive.REDUCE_SUM, Monoid.SUM);
        reduction(Primitive.REDUCE_PROD, Monoid.PROD);
        reduction(Primitive.REDUCE_MAX, Monoid.MAX);
        reduction(Primitive.REDUCE_MIN, Monoid.MIN);
        argReduction(Primitive.ARGMAX, true);
        argReduction(Primitive.ARGMIN, false);

        define1(Primitive.CUMSUM, (p, in) -> {
            arity(Primitive.CUMSUM, in, 1);
            AbstractArray x = in.getFirst();
            if (!x.dtype().isNumeric()) throw dtypeError(Primitive.CUMSUM, in, "expects a numeric dtype, got " + x.dtype());
            int axis = p.getInt("axis");
            checkAxes(Primitive.CUMSUM, in, new int[] {axis}, x.rank(), "axis");
            return x;
        }, (p, in) -> cumsum(in.getFirst(), p.getInt("axis"), p.getBool("reverse")));

        define1(Primitive.DOT_GENERAL, ReductionRules::dotShape, ReductionRules::dot);

        define(Primitive.SORT, (p, in) -> {
            Primitive prim = Primitive.SORT;
            if (in.isEmpty()) throw shapeError(prim, in, "needs at least one operand");
            int dim = p.getInt("dimension");
            int keys = p.getInt("num_keys");
            if (keys < 1 || keys > in.size()) throw shapeError(prim, in, "num_keys " + keys + " must be in [1, " + in.size() + "]");
            for (AbstractArray t : in) {
                if (!t.shape().equals(in.getFirst().shape())) throw shapeError(prim, in, "operands must have one shape");
            }
            checkAxes(prim, in, new int[] {dim}, in.getFirst().rank(), "dimension");
            return in;
        }, (p, in) -> sort(in, p.getInt("dimension"), p.getInt("num_keys")));
    }

    private static void reduction(Primitive prim, Monoid m) {
        define1(prim, (p, in) -> {
            arity(prim, in, 1);
            AbstractArray x = in.getFirst();
            if (!x.dtype().isNumeric()) throw dtypeError(prim, in, "expects a numeric dtype, got " + x.dtype());
            int[] axes = p.getInts("axes");
            checkAxes(prim, in, axes, x.rank(), "axis");
            return x.withShape(ShapingRules.squeezed(x.shape(), axes));
        }, (p, in) -> {
            Tensor x = in.getFirst();
            int[] axes = p.getInts("axes");
            Shape out = ShapingRules.squeezed(x.shape(), axes);
            int[] target = keptStrides(x.shape(), axes, out);
            int n = out.size();
            Object dst = Tensor.allocate(x.dtype(), n);
            int[] dims = x.shape().dims();
            int[] idx = new int[dims.length];
            if (x.dtype().isFloating()) {
                double[] acc = new double[n];
                Arrays.fill(acc, m.identity());
                for (int i = 0; i < x.size(); i++) {
                    int o = offset(idx, target);
                    acc[o] = m.combine(acc[o], x.getDouble(i));
                    Strided.next(idx, dims);
                }
                for (int i = 0; i < n; i++) Tensor.setDouble(dst, i, acc[i]);
            } else {
                long[] acc = new long[n];
                Arrays.fill(acc, m.identity(x.dtype()));
                for (int i = 0; i < x.size(); i++) {
                    int o = offset(idx, target);
                    acc[o] = m.combine(acc[o], x.getLong(i));
                    Strided.next(idx, dims);
                }
                for (int i = 0; i < n; i++) Tensor.setLong(dst, i, acc[i]);
            }
            return Tensor.wrap(x.type().withShape(out), dst);
        });
    }

    private static void argReduction(Primitive prim, boolean isMax) {
        define1(prim, (p, in) -> {
            arity(prim, in, 1);
            AbstractArray x = in.getFirst();
            int axis = p.getInt("axis");
            checkAxes(prim, in, new int[] {axis}, x.rank(), "axis");
            if (x.shape().dim(axis) == 0) throw shapeError(prim, in, "axis " + axis + " is empty");
            DType idx = p.getDType("index_dtype");
            if (!idx.isInteger()) throw dtypeError(prim, in, "index_dtype must be i32 or i64");
            return new AbstractArray(idx, ShapingRules.squeezed(x.shape(), new int[] {axis}));
        }, (p, in) -> {
            Tensor x = in.getFirst();
            int axis = p.getInt("axis");
            Shape out = ShapingRules.squeezed(x.shape(), new int[] {axis});
            Object dst = Tensor.allocate(p.getDType("index_dtype"), out.size());
            int len = x.shape().dim(axis);
            int stride = x.shape().strides()[axis];
            forEachLine(x.shape(), axis, (line, base) -> {
                int best = 0;
                for (int k = 1; k < len; k++) {
                    if (beats(x, base + k * stride, base + best * stride, isMax)) best = k;
                }
                Tensor.setLong(dst, line, best);
            });
            return Tensor.wrap(new AbstractArray(p.getDType("index_dtype"), out), dst);
        });
    }

    /** Whether element i displaces the best so far, b: the first NaN wins, as in NumPy; ties keep the first index. */
    private static boolean beats(Tensor x, int i, int b, boolean isMax) {
        if (!x.dtype().isFloating()) {
            // Compared as longs: doubles cannot tell i64 neighbours beyond 2^53 apart.
            int c = Long.compare(x.getLong(i), x.getLong(b));
            return isMax ? c > 0 : c < 0;
        }
        double v = x.getDouble(i), best = x.getDouble(b);
        if (Double.isNaN(best)) return false;
        return Double.isNaN(v) || (isMax ? v > best : v < best);
    }

    /** For each output element (row-major over the non-axis dims), its line index and the base offset in x. */
    interface LineVisitor {
        void visit(int line, int base);
    }

    static void forEachLine(Shape s, int axis, LineVisitor v) {
        int[] outerDims = s.dims();
        outerDims[axis] = 1;
        int[] strides = s.strides();
        int[] idx = new int[outerDims.length];
        int lines = Shape.of(outerDims).size();
        if (s.dim(axis) == 0) return;
        for (int line = 0; line < lines; line++) {
            int base = 0;
            for (int d = 0; d < idx.length; d++) base += idx[d] * strides[d];
            v.visit(line, base);
            Strided.next(idx, outerDims);
        }
    }

    private static int[] keptStrides(Shape x, int[] axes, Shape out) {
        int[] outStrides = out.strides();
        int[] target = new int[x.rank()];
        int j = 0;
        for (int d = 0; d < x.rank(); d++) {
            final int axis = d;
            target[d] = Arrays.stream(axes).anyMatch(a -> a == axis) ? 0 : outStrides[j++];
        }
        return target;
    }

    private static int offset(int[] idx, int[] strides) {
        int o = 0;
        for (int d = 0; d < idx.length; d++) o += idx[d] * strides[d];
        return o;
    }

    private static Tensor cumsum(Tensor x, int axis, boolean reverse) {
        Object dst = Tensor.allocate(x.dtype(), x.size());
        int len = x.shape().dim(axis);
        int stride = x.shape().strides()[axis];
        forEachLine(x.shape(), axis, (line, base) -> {
            double accD = 0;
            long accL = 0;
            for (int j = 0; j < len; j++) {
                int k = reverse ? len - 1 - j : j;
                int i = base + k * stride;
                if (x.dtype().isFloating()) {
                    accD += x.getDouble(i);
                    Tensor.setDouble(dst, i, accD);
                } else {
                    accL += x.getLong(i);
                    Tensor.setLong(dst, i, accL);
                }
            }
        });
        return Tensor.wrap(x.type(), dst);
    }

    private static AbstractArray dotShape(Params p, List<AbstractArray> in) {
        Primitive prim = Primitive.DOT_GENERAL;
        arity(prim, in, 2);
        AbstractArray a = in.get(0), b = in.get(1);
        if (a.dtype() != b.dtype()) throw dtypeError(prim, in, "operand dtypes differ: " + a.dtype() + " vs " + b.dtype());
        if (!a.dtype().isNumeric()) throw dtypeError(prim, in, "expects a numeric dtype, got " + a.dtype());
        int[] lc = p.getInts("lhs_contract"), rc = p.getInts("rhs_contract");
        int[] lb = p.getInts("lhs_batch"), rb = p.getInts("rhs_batch");
        if (lc.length != rc.length || lb.length != rb.length) {
            throw shapeError(prim, in, "contracting and batch dimension lists must pair up");
        }
        checkAxes(prim, in, concat(lc, lb), a.rank(), "lhs axis");
        checkAxes(prim, in, concat(rc, rb), b.rank(), "rhs axis");
        for (int i = 0; i < lc.length; i++) {
            if (a.shape().dim(lc[i]) != b.shape().dim(rc[i])) {
                throw shapeError(prim, in, "contracting dimensions differ: lhs axis " + lc[i] + " has size " + a.shape().dim(lc[i])
                        + ", rhs axis " + rc[i] + " has size " + b.shape().dim(rc[i]));
            }
        }
        for (int i = 0; i < lb.length; i++) {
            if (a.shape().dim(lb[i]) != b.shape().dim(rb[i])) {
                throw shapeError(prim, in, "batch dimensions differ: lhs axis " + lb[i] + " vs rhs axis " + rb[i]);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int d : lb) out.add(a.shape().dim(d));
        for (int d : Axes.complement(a.rank(), lc, lb)) out.add(a.shape().dim(d));
        for (int d : Axes.complement(b.rank(), rc, rb)) out.add(b.shape().dim(d));
        return a.withShape(Shape.of(out));
    }

    /** Transposes both sides to [batch, free, contract] and [batch, contract, free], then loops. */
    private static Tensor dot(Params p, List<Tensor> in) {
        Tensor a = in.get(0), b = in.get(1);
        int[] lc = p.getInts("lhs_contract"), rc = p.getInts("rhs_contract");
        int[] lb = p.getInts("lhs_batch"), rb = p.getInts("rhs_batch");
        int[] lf = Axes.complement(a.shape().rank(), lc, lb), rf = Axes.complement(b.shape().rank(), rc, rb);
        int nb = prod(a.shape(), lb), m = prod(a.shape(), lf), k = prod(a.shape(), lc), n = prod(b.shape(), rf);
        Tensor at = permute(a, concat(concat(lb, lf), lc));
        Tensor bt = permute(b, concat(concat(rb, rc), rf));
        AbstractArray outType = dotShape(p, List.of(a.type(), b.type()));
        Object dst = Tensor.allocate(a.dtype(), outType.shape().size());
        boolean isFloat = a.dtype().isFloating();
        for (int bi = 0; bi < nb; bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double accD = 0;
                    long accL = 0;
                    int ao = (bi * m + i) * k, bo = bi * k * n + j;
                    for (int kk = 0; kk < k; kk++) {
                        if (isFloat) {
                            accD += at.getDouble(ao + kk) * bt.getDouble(bo + kk * n);
                        } else {
                            accL += at.getLong(ao + kk) * bt.getLong(bo + kk * n);
                        }
                    }
                    int o = (bi * m + i) * n + j;
                    if (isFloat) Tensor.setDouble(dst, o, accD); else Tensor.setLong(dst, o, accL);
                }
            }
        }
        return Tensor.wrap(outType, dst);
    }

    static Tensor permute(Tensor x, int[] perm) {
        return PrimitiveRules.apply(Primitive.TRANSPOSE, Params.of("permutation", perm), List.of(x)).getFirst();
    }


    private static int prod(Shape s, int[] axes) {
        int n = 1;
        for (int a : axes) n *= s.dim(a);
        return n;
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Numeric order with NaNs last; unlike Double.compare, -0.0 equals 0.0 (so the stable sort keeps their order, as NumPy's). */
    private static int compareFloats(double a, double b) {
        return a == b ? 0 : Double.compare(a, b);
    }

    /** Stable sort along {@code dim} by the first {@code numKeys} operands, lexicographically; NaNs last. */
    private static List<Tensor> sort(List<Tensor> in, int dim, int numKeys) {
        Shape s = in.getFirst().shape();
        int len = s.dim(dim);
        int stride = s.strides()[dim];
        List<Object> outs = new ArrayList<>();
        for (Tensor t : in) outs.add(Tensor.allocate(t.dtype(), t.size()));
        forEachLine(s, dim, (line, base) -> {
            Integer[] order = new Integer[len];
            for (int i = 0; i < len; i++) order[i] = i;
            Arrays.sort(order, (x, y) -> {
                for (int kk = 0; kk < numKeys; kk++) {
                    Tensor key = in.get(kk);
                    int c = key.dtype().isFloating()
                            ? compareFloats(key.getDouble(base + x * stride), key.getDouble(base + y * stride))
                            : Long.compare(key.getLong(base + x * stride), key.getLong(base + y * stride));
                    if (c != 0) return c;
                }
                return 0;
            });
            for (int t = 0; t < in.size(); t++) {
                for (int i = 0; i < len; i++) {
                    Tensor.copyElement(in.get(t).data(), base + order[i] * stride, outs.get(t), base + i * stride);
                }
            }
        });
        List<Tensor> result = new ArrayList<>();
        for (int t = 0; t < in.size(); t++) result.add(Tensor.wrap(in.get(t).type(), outs.get(t)));
        return result;
    }
}
