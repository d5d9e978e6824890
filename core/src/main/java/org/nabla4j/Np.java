package org.nabla4j;

import static org.nabla4j.Ops.bind1;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Shape;

/**
 * NumPy-style functions over {@link NDArray}, built from the IR's primitives. They work eagerly
 * and under every transformation. Broadcasting and dtype promotion follow NumPy/JAX; functions
 * that need floats ({@code exp}, {@code mean}, …) convert integer arrays to f32, as JAX does.
 *
 * <pre>{@code
 * import static org.nabla4j.Np.*;
 * NDArray p = softmax(logits, 1);
 * NDArray loss = logSumExp(logits, 1).sub(takeAlongAxis(logits, labels, 1)).mean();
 * }</pre>
 */
public final class Np {
    static {
        UserFrames.registerLibrary(Np.class);
    }

    private Np() {}

    // ---- creation ----

    public static NDArray zeros(DType dtype, int... shape) { return NDArray.zeros(dtype, shape); }
    public static NDArray ones(DType dtype, int... shape) { return NDArray.ones(dtype, shape); }
    public static NDArray full(DType dtype, double value, int... shape) { return NDArray.full(dtype, value, shape); }
    public static NDArray zerosLike(NDArray x) { return fullLike(x, 0); }
    public static NDArray onesLike(NDArray x) { return fullLike(x, 1); }

    /** An array of x's dtype and shape filled with {@code value}; a broadcast under tracing, not a copy. */
    public static NDArray fullLike(NDArray x, double value) {
        NDArray s = Ops.convert(NDArray.weak(value), x.dtype());
        return x.ndim() == 0 ? s : Ops.broadcastTo("fullLike", s, x.shape());
    }

    public static NDArray arange(int stop) { return NDArray.arange(stop); }
    public static NDArray linspace(double start, double stop, int num) { return NDArray.linspace(start, stop, num); }
    public static NDArray eye(int n) { return NDArray.eye(n); }

    /** {@code iota} along {@code axis} of the given shape, as i32. */
    public static NDArray iota(int[] shape, int axis) {
        return bind1(Primitive.IOTA, Params.of("dtype", DType.I32, "shape", shape, "dimension", axis));
    }

    // ---- elementwise arithmetic ----

    public static NDArray add(NDArray x, NDArray y) { return arith("add", Primitive.ADD, x, y); }
    public static NDArray sub(NDArray x, NDArray y) { return arith("sub", Primitive.SUB, x, y); }
    public static NDArray mul(NDArray x, NDArray y) { return arith("mul", Primitive.MUL, x, y); }

    /** True division: i32 operands give f32 (as {@code jnp.true_divide}), i64 operands f64. */
    public static NDArray div(NDArray x, NDArray y) {
        DType t = Ops.resultDType(x, y);
        if (t == DType.BOOL) throw new DTypeError("div: expects numeric arrays, got " + Ops.describe(x, y));
        return elementwise("div", Primitive.DIV, Ops.inexactOf(t), x, y);
    }

    public static NDArray pow(NDArray x, NDArray y) { return arith("pow", Primitive.POW, x, y); }
    public static NDArray maximum(NDArray x, NDArray y) { return arith("maximum", Primitive.MAX, x, y); }
    public static NDArray minimum(NDArray x, NDArray y) { return arith("minimum", Primitive.MIN, x, y); }

    /** C-style remainder with the sign of the dividend ({@code np.fmod}). */
    public static NDArray fmod(NDArray x, NDArray y) { return arith("fmod", Primitive.REM, x, y); }

    /** Python/NumPy remainder: the result has the sign of the divisor ({@code np.mod}). */
    public static NDArray mod(NDArray x, NDArray y) {
        DType t = numericType("mod", x, y);
        NDArray[] xy = Ops.elementwiseOperands("mod", t, x, y);
        NDArray r = bind1(Primitive.REM, Params.EMPTY, xy[0], xy[1]);
        NDArray zero = Ops.convert(NDArray.weak(0), t);
        NDArray fix = logicalAnd(notEqual(r, zero), notEqual(less(r, zero), less(xy[1], zero)));
        return where(fix, add(r, xy[1]), r);
    }

    /** Python's {@code //}: the floor of the quotient; integers stay integers (exact, no float round trip). */
    public static NDArray floorDivide(NDArray x, NDArray y) {
        DType t = numericType("floorDivide", x, y);
        if (t.isFloating()) return floor(div(x, y));
        NDArray[] xy = Ops.elementwiseOperands("floorDivide", t, x, y);
        // The div primitive truncates toward zero; step down where the remainder is non-zero and the signs differ.
        NDArray q = bind1(Primitive.DIV, Params.EMPTY, xy[0], xy[1]);
        NDArray r = bind1(Primitive.REM, Params.EMPTY, xy[0], xy[1]);
        NDArray zero = Ops.convert(NDArray.weak(0), t);
        NDArray adjust = logicalAnd(notEqual(r, zero), notEqual(less(r, zero), less(xy[1], zero)));
        return where(adjust, sub(q, Ops.convert(NDArray.weak(1), t)), q);
    }

    public static NDArray atan2(NDArray y, NDArray x) {
        return elementwise("atan2", Primitive.ATAN2, inexactType("atan2", y, x), y, x);
    }

    public static NDArray neg(NDArray x) { return unaryNumeric("neg", Primitive.NEG, x); }
    public static NDArray abs(NDArray x) { return unaryNumeric("abs", Primitive.ABS, x); }
    public static NDArray sign(NDArray x) { return unaryNumeric("sign", Primitive.SIGN, x); }
    public static NDArray square(NDArray x) { return mul(x, x); }
    public static NDArray reciprocal(NDArray x) { return div(NDArray.weak(1), x); }

    public static NDArray exp(NDArray x) { return unaryInexact("exp", Primitive.EXP, x); }
    public static NDArray exp2(NDArray x) { return unaryInexact("exp2", Primitive.EXP2, x); }
    public static NDArray log(NDArray x) { return unaryInexact("log", Primitive.LOG, x); }
    public static NDArray log1p(NDArray x) { return unaryInexact("log1p", Primitive.LOG1P, x); }
    public static NDArray expm1(NDArray x) { return unaryInexact("expm1", Primitive.EXPM1, x); }
    public static NDArray sin(NDArray x) { return unaryInexact("sin", Primitive.SIN, x); }
    public static NDArray cos(NDArray x) { return unaryInexact("cos", Primitive.COS, x); }
    public static NDArray tan(NDArray x) { return unaryInexact("tan", Primitive.TAN, x); }
    public static NDArray tanh(NDArray x) { return unaryInexact("tanh", Primitive.TANH, x); }
    public static NDArray sqrt(NDArray x) { return unaryInexact("sqrt", Primitive.SQRT, x); }
    public static NDArray rsqrt(NDArray x) { return unaryInexact("rsqrt", Primitive.RSQRT, x); }
    public static NDArray floor(NDArray x) { return x.dtype().isFloating() ? bind1(Primitive.FLOOR, Params.EMPTY, x) : checkNumeric("floor", x); }
    public static NDArray ceil(NDArray x) { return x.dtype().isFloating() ? bind1(Primitive.CEIL, Params.EMPTY, x) : checkNumeric("ceil", x); }
    /** Rounds half to even, as {@code np.round}. */
    public static NDArray round(NDArray x) { return x.dtype().isFloating() ? bind1(Primitive.ROUND, Params.EMPTY, x) : checkNumeric("round", x); }
    public static NDArray isFinite(NDArray x) {
        return x.dtype().isFloating() ? bind1(Primitive.IS_FINITE, Params.EMPTY, x) : fullLike(Ops.convert(x, DType.BOOL), 1);
    }

    /** The logistic sigmoid {@code 1 / (1 + exp(-x))}, computed stably. */
    public static NDArray logistic(NDArray x) { return unaryInexact("logistic", Primitive.LOGISTIC, x); }
    public static NDArray sigmoid(NDArray x) { return logistic(x); }
    public static NDArray relu(NDArray x) { return maximum(x, NDArray.weak(0)); }

    /** {@code log(1 + exp(x))} without overflow: {@code max(x, 0) + log1p(exp(-|x|))}. */
    public static NDArray softplus(NDArray x) {
        NDArray f = Ops.toInexact("softplus", x);
        return add(relu(f), log1p(exp(neg(abs(f)))));
    }

    /** Clamps to {@code [lo, hi]}; Java number bounds are weakly typed, so an integer array stays integer: {@code clip(ints, 0, 9)}. */
    public static NDArray clip(NDArray x, long lo, long hi) { return minimum(maximum(x, NDArray.weak(lo)), NDArray.weak(hi)); }
    public static NDArray clip(NDArray x, double lo, double hi) { return minimum(maximum(x, NDArray.weak(lo)), NDArray.weak(hi)); }
    public static NDArray clip(NDArray x, NDArray lo, NDArray hi) { return minimum(maximum(x, lo), hi); }

    /** {@code x.astype(dtype)}: converts elements (floats to ints truncate toward zero). */
    public static NDArray astype(NDArray x, DType dtype) { return Ops.convert(x, dtype); }

    /** Blocks gradients: the identity whose derivative is zero. */
    public static NDArray stopGradient(NDArray x) { return bind1(Primitive.STOP_GRADIENT, Params.EMPTY, x); }

    // ---- comparisons and logic ----

    public static NDArray equal(NDArray x, NDArray y) { return compare("equal", Primitive.EQ, x, y); }
    public static NDArray notEqual(NDArray x, NDArray y) { return compare("notEqual", Primitive.NE, x, y); }
    public static NDArray less(NDArray x, NDArray y) { return compare("less", Primitive.LT, x, y); }
    public static NDArray lessEqual(NDArray x, NDArray y) { return compare("lessEqual", Primitive.LE, x, y); }
    public static NDArray greater(NDArray x, NDArray y) { return compare("greater", Primitive.GT, x, y); }
    public static NDArray greaterEqual(NDArray x, NDArray y) { return compare("greaterEqual", Primitive.GE, x, y); }

    public static NDArray logicalAnd(NDArray x, NDArray y) { return logic("logicalAnd", Primitive.AND, x, y); }
    public static NDArray logicalOr(NDArray x, NDArray y) { return logic("logicalOr", Primitive.OR, x, y); }
    public static NDArray logicalXor(NDArray x, NDArray y) { return logic("logicalXor", Primitive.XOR, x, y); }
    public static NDArray logicalNot(NDArray x) { return bind1(Primitive.NOT, Params.EMPTY, Ops.convert(x, DType.BOOL)); }

    /**
     * Elementwise choice: {@code x} where {@code cond} is true, else {@code y}. Both branches are
     * computed; under {@code grad}, a NaN or infinity in the unselected branch still poisons the
     * gradient (0 * NaN = NaN), as in JAX. Guard the input of the unsafe branch with a second
     * where (e.g. {@code log(where(x > 0, x, 1))}) so that both branches are finite.
     */
    public static NDArray where(NDArray cond, NDArray x, NDArray y) {
        DType t = Ops.resultDType(x, y);
        NDArray c = Ops.convert(cond, DType.BOOL);
        int[] shape = Ops.broadcastShapes("where", c, x, y);
        NDArray cb = Ops.broadcastForElementwise(c, shape);
        NDArray xb = Ops.broadcastTo("where", Ops.convert(x, t), shape);
        NDArray yb = Ops.broadcastTo("where", Ops.convert(y, t), shape);
        return bind1(Primitive.SELECT_N, Params.EMPTY, cb, yb, xb);
    }

    public static NDArray where(NDArray cond, NDArray x, double y) { return where(cond, x, NDArray.weak(y)); }
    public static NDArray where(NDArray cond, double x, NDArray y) { return where(cond, NDArray.weak(x), y); }

    public static NDArray any(NDArray x, int... axes) { return reduce("any", Primitive.REDUCE_MAX, Ops.convert(x, DType.BOOL).astype(DType.I32), axes).astype(DType.BOOL); }
    public static NDArray all(NDArray x, int... axes) { return reduce("all", Primitive.REDUCE_MIN, Ops.convert(x, DType.BOOL).astype(DType.I32), axes).astype(DType.BOOL); }

    /** True when both are concrete, broadcast together and agree within {@code atol + rtol * |y|} (NaNs unequal). */
    public static boolean allclose(NDArray x, NDArray y, double rtol, double atol) {
        int[] shape = Ops.broadcastShapes("allclose", x, y);
        double[] a = x.broadcastTo(shape).toDoubleArray();
        double[] b = y.broadcastTo(shape).toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) continue;
            if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) return false;
        }
        return true;
    }

    /** {@code allclose} with NumPy's default tolerances (rtol 1e-5, atol 1e-8). */
    public static boolean allclose(NDArray x, NDArray y) { return allclose(x, y, 1e-5, 1e-8); }

    // ---- reductions ----

    public static NDArray sum(NDArray x, int... axes) {
        NDArray v = x.dtype() == DType.BOOL ? x.astype(DType.I32) : x;
        return reduce("sum", Primitive.REDUCE_SUM, v, axes);
    }

    public static NDArray prod(NDArray x, int... axes) {
        NDArray v = x.dtype() == DType.BOOL ? x.astype(DType.I32) : x;
        return reduce("prod", Primitive.REDUCE_PROD, v, axes);
    }

    /** The maximum over the axes (all when none are given); bool arrays give {@code any}. */
    public static NDArray max(NDArray x, int... axes) { return extremum("max", Primitive.REDUCE_MAX, x, axes); }
    /** The minimum over the axes (all when none are given); bool arrays give {@code all}. */
    public static NDArray min(NDArray x, int... axes) { return extremum("min", Primitive.REDUCE_MIN, x, axes); }

    /** Arithmetic mean over the axes (all axes when none are given); integers give f32. */
    public static NDArray mean(NDArray x, int... axes) {
        NDArray f = Ops.toInexact("mean", x);
        int[] ax = Ops.axes("mean", f, axes);
        long n = 1;
        for (int a : ax) n *= f.shape()[a];
        return div(sum(f, ax), NDArray.weak((double) n));
    }

    /** Variance (population, ddof = 0). */
    public static NDArray var(NDArray x, int... axes) {
        NDArray f = Ops.toInexact("var", x);
        int[] ax = Ops.axes("var", f, axes);
        NDArray centered = sub(f, keepDims(mean(f, ax), f.ndim(), ax));
        return mean(square(centered), ax);
    }

    public static NDArray std(NDArray x, int... axes) { return sqrt(var(x, axes)); }

    /** Sum keeping reduced axes as size 1, so the result broadcasts against {@code x}. */
    public static NDArray sumKeepDims(NDArray x, int... axes) {
        int[] ax = Ops.axes("sum", x, axes);
        return keepDims(sum(x, ax), x.ndim(), ax);
    }

    public static NDArray maxKeepDims(NDArray x, int... axes) {
        int[] ax = Ops.axes("max", x, axes);
        return keepDims(max(x, ax), x.ndim(), ax);
    }

    public static NDArray argmax(NDArray x) { return argReduce("argmax", Primitive.ARGMAX, x.reshape(-1), 0); }
    public static NDArray argmax(NDArray x, int axis) { return argReduce("argmax", Primitive.ARGMAX, x, axis); }
    public static NDArray argmin(NDArray x) { return argReduce("argmin", Primitive.ARGMIN, x.reshape(-1), 0); }
    public static NDArray argmin(NDArray x, int axis) { return argReduce("argmin", Primitive.ARGMIN, x, axis); }

    public static NDArray cumsum(NDArray x, int axis) {
        NDArray v = x.dtype() == DType.BOOL ? x.astype(DType.I32) : x;
        return bind1(Primitive.CUMSUM, Params.of("axis", Ops.axis("cumsum", v, axis), "reverse", false), v);
    }

    /** {@code log(sum(exp(x), axis))}, computed stably by shifting with the (gradient-stopped) max. */
    public static NDArray logSumExp(NDArray x, int... axes) {
        NDArray f = Ops.toInexact("logSumExp", x);
        int[] ax = Ops.axes("logSumExp", f, axes);
        NDArray m = stopGradient(maxKeepDims(f, ax));
        // An all -inf slice has max -inf; shifting by it would give NaN, so shift by 0 there.
        NDArray shift = where(isFinite(m), m, zerosLike(m));
        NDArray s = sum(exp(sub(f, shift)), ax);
        return add(log(s), squeezeAxes(shift, ax));
    }

    /** {@code exp(x) / sum(exp(x), axis)}, shifted by the max for stability. */
    public static NDArray softmax(NDArray x, int... axes) {
        NDArray f = Ops.toInexact("softmax", x);
        int[] ax = Ops.axes("softmax", f, axes);
        NDArray e = exp(sub(f, stopGradient(maxKeepDims(f, ax))));
        return div(e, sumKeepDims(e, ax));
    }

    /** {@code x - logSumExp(x, axis)} with the reduced axes kept. */
    public static NDArray logSoftmax(NDArray x, int... axes) {
        NDArray f = Ops.toInexact("logSoftmax", x);
        int[] ax = Ops.axes("logSoftmax", f, axes);
        return sub(f, keepDims(logSumExp(f, ax), f.ndim(), ax));
    }

    /**
     * The Euclidean norm of all elements. Its gradient at zero is zero (a subgradient) rather than
     * the NaN of a naive {@code sqrt(sum(x*x))}: the square root only ever sees a positive input.
     */
    public static NDArray norm(NDArray x) {
        NDArray s = sum(square(Ops.toInexact("norm", x)));
        NDArray isZero = equal(s, NDArray.weak(0));
        return where(isZero, zerosLike(s), sqrt(where(isZero, onesLike(s), s)));
    }

    // ---- shape manipulation ----

    public static NDArray reshape(NDArray x, int... shape) {
        int[] s = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new ShapeError("reshape: only one dimension may be -1, got " + Arrays.toString(shape));
                infer = i;
            } else if (s[i] < 0) {
                throw new ShapeError("reshape: negative dimension in " + Arrays.toString(shape));
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new ShapeError("reshape: cannot reshape " + x.abstractType() + " to " + Arrays.toString(shape));
            }
            s[infer] = (int) (x.size() / known);
        }
        if (Shape.of(s).size() != x.size()) {
            throw new ShapeError("reshape: cannot reshape " + x.abstractType() + " (" + x.size() + " elements) to "
                    + Arrays.toString(shape) + " (" + Shape.of(s).size() + " elements)");
        }
        if (Arrays.equals(s, x.shape())) return x;
        return bind1(Primitive.RESHAPE, Params.of("shape", s), x);
    }

    /** Reverses the axes, or applies the given permutation (negative axes allowed). */
    public static NDArray transpose(NDArray x, int... axes) {
        int r = x.ndim();
        int[] perm = new int[r];
        if (axes.length == 0) {
            for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
        } else {
            if (axes.length != r) throw new ShapeError("transpose: permutation " + Arrays.toString(axes) + " does not match " + x.abstractType());
            for (int i = 0; i < r; i++) perm[i] = Ops.axis("transpose", x, axes[i]);
        }
        boolean identity = true;
        for (int i = 0; i < r; i++) identity &= perm[i] == i;
        if (identity) return x;
        return bind1(Primitive.TRANSPOSE, Params.of("permutation", perm), x);
    }

    public static NDArray broadcastTo(NDArray x, int... shape) {
        NDArray.checkedShape("broadcastTo", shape);
        return Ops.broadcastTo("broadcastTo", x, shape);
    }

    public static NDArray expandDims(NDArray x, int axis) {
        int a = axis < 0 ? axis + x.ndim() + 1 : axis;
        if (a < 0 || a > x.ndim()) throw new ShapeError("expandDims: axis " + axis + " is out of range for " + x.abstractType());
        return bind1(Primitive.EXPAND_DIMS, Params.of("dims", new int[] {a}), x);
    }

    /** Removes the given size-1 axes, or all size-1 axes when none are given. */
    public static NDArray squeeze(NDArray x, int... axes) {
        int[] ax;
        if (axes.length == 0) {
            ax = java.util.stream.IntStream.range(0, x.ndim()).filter(i -> x.shape()[i] == 1).toArray();
        } else {
            ax = Ops.axes("squeeze", x, axes);
            for (int a : ax) {
                if (x.shape()[a] != 1) throw new ShapeError("squeeze: axis " + a + " of " + x.abstractType() + " has size " + x.shape()[a] + ", not 1");
            }
        }
        return ax.length == 0 ? x : bind1(Primitive.SQUEEZE, Params.of("dims", ax), x);
    }

    public static NDArray concatenate(List<NDArray> xs, int axis) {
        if (xs.isEmpty()) throw new ShapeError("concatenate: needs at least one array");
        NDArray first = xs.getFirst();
        if (first.ndim() == 0) throw new ShapeError("concatenate: zero-dimensional arrays cannot be concatenated");
        int a = Ops.axis("concatenate", first, axis);
        DType t = Ops.resultDType(xs.toArray(NDArray[]::new));
        List<NDArray> conv = new ArrayList<>();
        for (NDArray x : xs) {
            if (x.ndim() != first.ndim()) {
                throw new ShapeError("concatenate: all arrays need rank " + first.ndim() + ", got " + x.abstractType());
            }
            for (int d = 0; d < x.ndim(); d++) {
                if (d != a && x.shape()[d] != first.shape()[d]) {
                    throw new ShapeError("concatenate: shapes " + first.abstractType() + " and " + x.abstractType() + " differ outside axis " + a);
                }
            }
            conv.add(Ops.convert(x, t));
        }
        if (conv.size() == 1) return conv.getFirst();
        return Ops.bind(Primitive.CONCATENATE, Params.of("dimension", a), conv).getFirst();
    }

    public static NDArray concatenate(NDArray... xs) { return concatenate(Arrays.asList(xs), 0); }

    /** Joins arrays of one shape along a new axis. */
    public static NDArray stack(List<NDArray> xs, int axis) {
        if (xs.isEmpty()) throw new ShapeError("stack: needs at least one array");
        int r = xs.getFirst().ndim();
        int a = axis < 0 ? axis + r + 1 : axis;
        if (a < 0 || a > r) throw new ShapeError("stack: axis " + axis + " is out of range for rank " + r);
        for (NDArray x : xs) {
            if (!Arrays.equals(x.shape(), xs.getFirst().shape())) {
                throw new ShapeError("stack: all arrays need one shape, got " + xs.getFirst().abstractType() + " and " + x.abstractType());
            }
        }
        return concatenate(xs.stream().map(x -> expandDims(x, a)).toList(), a);
    }

    public static NDArray stack(NDArray... xs) { return stack(Arrays.asList(xs), 0); }

    /** {@code x[start:stop:step]} along one axis; negative bounds count from the end and are clipped, as in Python. */
    public static NDArray slice(NDArray x, int axis, int start, int stop, int step) {
        int a = Ops.axis("slice", x, axis);
        if (step < 1) throw new ShapeError("slice: step must be >= 1, got " + step);
        int n = x.shape()[a];
        int s = Math.clamp(start < 0 ? start + n : start, 0, n);
        int e = Math.clamp(stop < 0 ? stop + n : stop, 0, n);
        e = Math.max(s, e);
        int[] st = new int[x.ndim()], li = x.shape(), sd = new int[x.ndim()];
        Arrays.fill(sd, 1);
        st[a] = s;
        li[a] = e;
        sd[a] = step;
        return bind1(Primitive.SLICE, Params.of("start", st, "limit", li, "strides", sd), x);
    }

    /** Element {@code i} along {@code axis} (negative counts from the end), removing that axis. */
    public static NDArray take(NDArray x, int i, int axis) {
        int a = Ops.axis("take", x, axis);
        int n = x.shape()[a];
        int j = i < 0 ? i + n : i;
        if (j < 0 || j >= n) throw new ShapeError("take: index " + i + " is out of range for axis " + a + " of " + x.abstractType());
        return squeeze(slice(x, a, j, j + 1, 1), a);
    }

    /**
     * Picks elements along {@code axis} at integer {@code indices}. With indices of x's rank this is
     * {@code np.take_along_axis}. With indices of one rank less (e.g. class labels {@code (n,)} for
     * logits {@code (n, k)}), one element per line is taken and the axis is dropped: the result has
     * the indices' shape. Negative indices count from the end.
     */
    public static NDArray takeAlongAxis(NDArray x, NDArray indices, int axis) {
        int a = Ops.axis("takeAlongAxis", x, axis);
        if (!indices.dtype().isInteger()) {
            throw new DTypeError("takeAlongAxis: indices must be i32 or i64, got " + indices.abstractType());
        }
        boolean dropAxis = indices.ndim() == x.ndim() - 1;
        NDArray idx = dropAxis ? expandDims(indices, a) : indices;
        if (idx.ndim() != x.ndim()) {
            throw new ShapeError("takeAlongAxis: indices " + indices.abstractType() + " need rank " + x.ndim() + " or " + (x.ndim() - 1)
                    + " for " + x.abstractType());
        }
        int[] target = x.shape();
        target[a] = idx.shape()[a];
        String what = "indices " + indices.abstractType() + " and array " + x.abstractType();
        if (!Arrays.equals(Ops.broadcastShapes("takeAlongAxis", what, idx.shape(), target), target)) {
            throw new ShapeError("takeAlongAxis: " + what + " do not fit along axis " + a);
        }
        NDArray i = Ops.broadcastTo("takeAlongAxis", idx, target);
        NDArray n = Ops.convert(NDArray.weak((long) x.shape()[a]), i.dtype());
        i = where(less(i, Ops.convert(NDArray.weak(0), i.dtype())), add(i, n), i);
        NDArray out = bind1(Primitive.GATHER, Params.of("axis", a), x, i);
        return dropAxis ? squeeze(out, a) : out;
    }

    /** Stable sort along {@code axis}. */
    public static NDArray sort(NDArray x, int axis) {
        return Ops.bind(Primitive.SORT, Params.of("dimension", Ops.axis("sort", x, axis), "num_keys", 1), List.of(x)).getFirst();
    }

    /** Indices that sort {@code x} along {@code axis} (stable), as i32. */
    public static NDArray argsort(NDArray x, int axis) {
        int a = Ops.axis("argsort", x, axis);
        NDArray idx = iota(x.shape(), a);
        return Ops.bind(Primitive.SORT, Params.of("dimension", a, "num_keys", 1), List.of(x, idx)).get(1);
    }

    /** Constant padding: {@code widths[i] = {before, after}} for axis i. */
    public static NDArray pad(NDArray x, int[][] widths, double value) {
        if (widths.length != x.ndim()) throw new ShapeError("pad: need one {before, after} pair per axis of " + x.abstractType());
        int[] lo = new int[x.ndim()], hi = new int[x.ndim()], in = new int[x.ndim()];
        for (int i = 0; i < widths.length; i++) {
            if (widths[i].length != 2 || widths[i][0] < 0 || widths[i][1] < 0) {
                throw new ShapeError("pad: widths for axis " + i + " must be {before, after} >= 0");
            }
            lo[i] = widths[i][0];
            hi[i] = widths[i][1];
        }
        return bind1(Primitive.PAD, Params.of("low", lo, "high", hi, "interior", in), x, Ops.convert(NDArray.weak(value), x.dtype()));
    }

    /**
     * Elements at integer {@code indices} along {@code axis}, as {@code np.take}: the result's shape
     * is x's with that axis replaced by the indices' shape. Negative indices count from the end.
     */
    public static NDArray take(NDArray x, NDArray indices, int axis) {
        int a = Ops.axis("take", x, axis);
        if (!indices.dtype().isInteger()) throw new DTypeError("take: indices must be i32 or i64, got " + indices.abstractType());
        int[] xs = x.shape(), is = indices.shape();
        int n = is.length == 0 ? 1 : java.util.Arrays.stream(is).reduce(1, (p, q) -> p * q);
        // Move the axis last, gather along it with the flattened indices, then restore the layout.
        int[] toLast = new int[xs.length];
        int j = 0;
        for (int d = 0; d < xs.length; d++) if (d != a) toLast[j++] = d;
        toLast[j] = a;
        NDArray moved = transpose(x, toLast);
        int[] lead = java.util.Arrays.copyOf(moved.shape(), xs.length - 1);
        int[] idxShape = concat(lead, new int[] {n});
        NDArray flatIdx = reshape(indices, n);
        NDArray picked = takeAlongAxis(moved, broadcastTo(flatIdx, idxShape), xs.length - 1);
        NDArray shaped = reshape(picked, concat(lead, is));
        int[] back = new int[shaped.ndim()];
        int k = 0;
        for (int d = 0; d < a; d++) back[k++] = d;
        for (int d = 0; d < is.length; d++) back[k++] = lead.length + d;
        for (int d = a; d < lead.length; d++) back[k++] = d;
        return transpose(shaped, back);
    }

    /** Reverses the order of elements along {@code axis}. */
    public static NDArray flip(NDArray x, int axis) {
        int a = Ops.axis("flip", x, axis);
        int n = x.shape()[a];
        return take(x, sub(NDArray.weak((long) n - 1), iota(new int[] {n}, 0)), a);
    }

    /** Swaps two axes. */
    public static NDArray swapaxes(NDArray x, int axis1, int axis2) {
        int a = Ops.axis("swapaxes", x, axis1), b = Ops.axis("swapaxes", x, axis2);
        int[] perm = java.util.stream.IntStream.range(0, x.ndim()).toArray();
        perm[a] = b;
        perm[b] = a;
        return transpose(x, perm);
    }

    /** Lower triangle of a matrix (the last two axes), zeros above diagonal {@code k}. */
    public static NDArray tril(NDArray x, int k) { return triangle("tril", x, k, true); }

    /** Upper triangle of a matrix (the last two axes), zeros below diagonal {@code k}. */
    public static NDArray triu(NDArray x, int k) { return triangle("triu", x, k, false); }

    private static NDArray triangle(String op, NDArray x, int k, boolean lower) {
        if (x.ndim() < 2) throw new ShapeError(op + ": needs at least 2 dimensions, got " + x.abstractType());
        int[] s = x.shape();
        int[] mat = {s[s.length - 2], s[s.length - 1]};
        NDArray rows = iota(mat, 0), cols = iota(mat, 1);
        NDArray diff = sub(cols, rows);
        NDArray keep = lower ? lessEqual(diff, NDArray.weak((long) k)) : greaterEqual(diff, NDArray.weak((long) k));
        return where(keep, x, zerosLike(x));
    }

    /** The sum of the main diagonal of a matrix. */
    public static NDArray trace(NDArray x) {
        if (x.ndim() != 2) throw new ShapeError("trace: needs a matrix, got " + x.abstractType());
        NDArray eye = equal(iota(x.shape(), 0), iota(x.shape(), 1));
        return sum(where(eye, x, zerosLike(x)));
    }

    public static NDArray isNan(NDArray x) { return x.dtype().isFloating() ? notEqual(x, x) : fullLike(x.astype(DType.BOOL), 0); }
    public static NDArray isInf(NDArray x) { return logicalAnd(logicalNot(isFinite(x)), logicalNot(isNan(x))); }
    public static NDArray arctan(NDArray x) { NDArray f = Ops.toInexact("arctan", x); return atan2(f, onesLike(f)); }
    public static NDArray arcsin(NDArray x) { NDArray f = Ops.toInexact("arcsin", x); return atan2(f, sqrt(sub(onesLike(f), square(f)))); }
    public static NDArray arccos(NDArray x) { NDArray f = Ops.toInexact("arccos", x); return atan2(sqrt(sub(onesLike(f), square(f))), f); }
    public static NDArray sinh(NDArray x) { NDArray f = Ops.toInexact("sinh", x); return div(sub(exp(f), exp(neg(f))), NDArray.weak(2.0)); }
    public static NDArray cosh(NDArray x) { NDArray f = Ops.toInexact("cosh", x); return div(add(exp(f), exp(neg(f))), NDArray.weak(2.0)); }

    /** {@code log(exp(x) + exp(y))} without overflow. */
    public static NDArray logaddexp(NDArray x, NDArray y) {
        NDArray m = maximum(x, y);
        NDArray safe = where(isFinite(m), m, zerosLike(m));
        return add(log(add(exp(sub(x, safe)), exp(sub(y, safe)))), safe);
    }

    // ---- linear algebra ----

    /**
     * Matrix product with NumPy's rules: 1-d operands are promoted to matrices and the added axis
     * removed afterwards; leading axes of N-d operands are batch axes and broadcast.
     */
    public static NDArray matmul(NDArray x, NDArray y) {
        if (x.ndim() == 0 || y.ndim() == 0) {
            throw new ShapeError("matmul: operands must not be scalars, got " + Ops.describe(x, y) + " (use mul)");
        }
        DType t = numericType("matmul", x, y);
        int ka = x.shape()[x.ndim() - 1], kb = y.shape()[Math.max(0, y.ndim() - 2)];
        if (ka != kb) {
            throw new ShapeError("matmul: shapes " + Ops.describe(x, y) + " do not align: " + ka + " (last axis of the first) != "
                    + kb + " (" + (y.ndim() == 1 ? "only" : "second-to-last") + " axis of the second)");
        }
        if (x.ndim() == 1 || y.ndim() == 1) {
            // A vector operand contracts directly (no batch axes to broadcast): matrix-vector,
            // vector-matrix or inner product, one dot_general that backends can recognise.
            return bind1(Primitive.DOT_GENERAL, Params.of("lhs_contract", new int[] {x.ndim() - 1},
                    "rhs_contract", new int[] {Math.max(0, y.ndim() - 2)}, "lhs_batch", new int[0], "rhs_batch", new int[0]),
                    Ops.convert(x, t), Ops.convert(y, t));
        }
        NDArray a = x, b = y;
        int batchRank = Math.max(a.ndim(), b.ndim()) - 2;
        int[] batch = Ops.broadcastShapes("matmul", Ops.describe(x, y), batchPart(a), batchPart(b));
        a = Ops.broadcastTo("matmul", Ops.convert(a, t), concat(batch, lastTwo(a)));
        b = Ops.broadcastTo("matmul", Ops.convert(b, t), concat(batch, lastTwo(b)));
        int[] bd = java.util.stream.IntStream.range(0, batchRank).toArray();
        return bind1(Primitive.DOT_GENERAL, Params.of("lhs_contract", new int[] {batchRank + 1}, "rhs_contract", new int[] {batchRank},
                "lhs_batch", bd, "rhs_batch", bd), a, b);
    }

    /** {@code np.dot} for 1-d and 2-d operands (inner product, matrix-vector, matrix-matrix). */
    public static NDArray dot(NDArray x, NDArray y) {
        if (x.ndim() > 2 || y.ndim() > 2) throw new ShapeError("dot: supports operands up to rank 2, got " + Ops.describe(x, y) + " (use matmul or einsum)");
        if (x.ndim() == 0 || y.ndim() == 0) return mul(x, y);
        return matmul(x, y);
    }

    /**
     * Einstein summation, as {@code np.einsum}, e.g. {@code einsum("ij,jk->ik", a, b)},
     * {@code einsum("bij,bjk->bik", a, b)}, {@code einsum("ij->j", a)}, {@code einsum("i,i", u, v)}.
     * Indices shared by two operands and absent from the output are contracted (one dot_general per
     * pair, left to right); an index repeated within one operand (a diagonal) is not supported.
     */
    public static NDArray einsum(String spec, NDArray... operands) {
        String s = spec.replace(" ", "");
        String[] io = s.split("->", -1);
        String[] ins = io[0].split(",", -1);
        if (ins.length != operands.length) {
            throw new ShapeError("einsum: \"" + spec + "\" names " + ins.length + " operand(s), got " + operands.length);
        }
        operands = operands.clone();
        // "..." stands for an operand's axes that letters do not name; they get labels of their own,
        // right-aligned across operands, and broadcast against each other as in NumPy.
        int ellipsisRank = 0;
        for (int i = 0; i < ins.length; i++) {
            if (!ins[i].contains("...")) continue;
            int named = ins[i].replace("...", "").length();
            if (ins[i].indexOf("...") != ins[i].lastIndexOf("...") || named > operands[i].ndim()) {
                throw new ShapeError("einsum: \"" + ins[i] + "\" does not fit operand " + i + ", " + operands[i].abstractType());
            }
            ellipsisRank = Math.max(ellipsisRank, operands[i].ndim() - named);
        }
        String ellipsis = ellipsisLabels(ellipsisRank);
        for (int i = 0; i < ins.length; i++) {
            if (!ins[i].contains("...")) continue;
            int own = operands[i].ndim() - ins[i].replace("...", "").length();
            ins[i] = ins[i].replace("...", ellipsis.substring(ellipsisRank - own));
        }
        broadcastEllipsisAxes(ellipsis, ins, operands);
        String out;
        if (io.length > 1) {
            out = io[1].replace("...", ellipsis);
        } else {
            // Implicit output: the ellipsis axes, then the indices that appear exactly once, in alphabetical order.
            StringBuilder sb = new StringBuilder(ellipsis);
            io[0].chars().filter(Character::isLetter).distinct().sorted()
                    .filter(c -> io[0].chars().filter(d -> d == c).count() == 1).forEach(c -> sb.append((char) c));
            out = sb.toString();
        }
        for (int i = 0; i < ins.length; i++) {
            if (ins[i].length() != operands[i].ndim()) {
                throw new ShapeError("einsum: \"" + ins[i] + "\" has " + ins[i].length() + " indices but operand " + i + " is " + operands[i].abstractType());
            }
            // A repeated index takes the diagonal: "ii->i", "ii->" (the trace), "iij->j".
            for (int q = ins[i].length() - 1; q > 0; q--) {
                int p = ins[i].indexOf(ins[i].charAt(q));
                if (p == q) continue;
                if (operands[i].shape()[p] != operands[i].shape()[q]) {
                    throw new ShapeError("einsum: index '" + ins[i].charAt(q) + "' repeats in \"" + ins[i] + "\" over axes of sizes "
                            + operands[i].shape()[p] + " and " + operands[i].shape()[q] + " of operand " + i);
                }
                operands[i] = diagonalOf(operands[i], p, q);
                ins[i] = ins[i].substring(0, q) + ins[i].substring(q + 1);
            }
        }
        NDArray acc = operands[0];
        String accIdx = ins[0];
        for (int i = 1; i < operands.length; i++) {
            String later = String.join("", java.util.Arrays.copyOfRange(ins, i + 1, ins.length)) + out;
            Labelled r = contractPair(acc, accIdx, operands[i], ins[i], later);
            acc = r.value();
            accIdx = r.indices();
        }
        // Sum indices the output drops, then order the rest as the output asks.
        String keep = accIdx;
        int[] drop = java.util.stream.IntStream.range(0, keep.length()).filter(k -> out.indexOf(keep.charAt(k)) < 0).toArray();
        if (drop.length > 0) acc = sum(acc, drop);
        StringBuilder rest = new StringBuilder();
        for (char c : keep.toCharArray()) if (out.indexOf(c) >= 0) rest.append(c);
        if (rest.length() != out.length()) throw new ShapeError("einsum: output \"" + out + "\" names an index no operand has");
        int[] perm = new int[out.length()];
        for (int k = 0; k < perm.length; k++) perm[k] = rest.indexOf(String.valueOf(out.charAt(k)));
        return transpose(acc, perm);
    }

    /** Labels for ellipsis axes: Greek capitals, which einsum specs written in Latin letters do not use. */
    private static String ellipsisLabels(int rank) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rank; k++) sb.append((char) ('\u0391' + k));
        return sb.toString();
    }

    /** Broadcasts size-1 ellipsis axes of the operands to the size the other operands give them. */
    private static void broadcastEllipsisAxes(String ellipsis, String[] ins, NDArray[] operands) {
        if (ellipsis.isEmpty()) return;
        java.util.Map<Character, Integer> size = new java.util.HashMap<>();
        for (int i = 0; i < ins.length; i++) {
            for (int k = 0; k < ins[i].length(); k++) {
                char c = ins[i].charAt(k);
                int n = operands[i].shape()[k];
                if (ellipsis.indexOf(c) < 0 || n == 1) continue;
                Integer prev = size.putIfAbsent(c, n);
                if (prev != null && prev != n) {
                    throw new ShapeError("einsum: the axes \"...\" stands for do not broadcast: sizes " + prev + " and " + n);
                }
            }
        }
        for (int i = 0; i < ins.length; i++) {
            int[] shape = operands[i].shape().clone();
            boolean grow = false;
            for (int k = 0; k < shape.length; k++) {
                Integer n = size.get(ins[i].charAt(k));
                if (n != null && shape[k] == 1) {
                    shape[k] = n;
                    grow = true;
                }
            }
            if (grow) operands[i] = broadcastTo(operands[i], shape);
        }
    }

    /** x with axis q dropped and axis p holding the diagonal {@code x[.., i (at p), .., i (at q), ..]}. */
    private static NDArray diagonalOf(NDArray x, int p, int q) {
        NDArray onDiagonal = equal(iota(x.shape(), p), iota(x.shape(), q));
        return sum(where(onDiagonal, x, zerosLike(x)), q);
    }

    /** An einsum intermediate and the index letter of each of its axes. */
    private record Labelled(NDArray value, String indices) {}

    /** One pairwise step of einsum: indices both share are batch axes if used later, else contracted. */
    private static Labelled contractPair(NDArray a, String ai, NDArray b, String bi, String later) {
        java.util.List<Integer> lc = new ArrayList<>(), rc = new ArrayList<>(), lb = new ArrayList<>(), rb = new ArrayList<>();
        StringBuilder batch = new StringBuilder();
        for (int k = 0; k < ai.length(); k++) {
            char c = ai.charAt(k);
            int j = bi.indexOf(c);
            if (j < 0) continue;
            if (a.shape()[k] != b.shape()[j]) {
                throw new ShapeError("einsum: index '" + c + "' has size " + a.shape()[k] + " in one operand and " + b.shape()[j] + " in another");
            }
            if (later.indexOf(c) >= 0) {
                lb.add(k);
                rb.add(j);
                batch.append(c);
            } else {
                lc.add(k);
                rc.add(j);
            }
        }
        NDArray out = bind1(Primitive.DOT_GENERAL, Params.of("lhs_contract", ints(lc), "rhs_contract", ints(rc), "lhs_batch", ints(lb), "rhs_batch", ints(rb)),
                Ops.convert(a, Ops.resultDType(a, b)), Ops.convert(b, Ops.resultDType(a, b)));
        StringBuilder idx = new StringBuilder(batch);
        for (char c : ai.toCharArray()) if (bi.indexOf(c) < 0) idx.append(c);
        for (char c : bi.toCharArray()) if (ai.indexOf(c) < 0) idx.append(c);
        return new Labelled(out, idx.toString());
    }

    private static int[] ints(java.util.List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The outer product of two vectors. */
    public static NDArray outer(NDArray x, NDArray y) {
        return mul(reshape(x, -1, 1), reshape(y, 1, -1));
    }

    // ---- plumbing ----

    private static NDArray arith(String op, Primitive p, NDArray x, NDArray y) {
        return elementwise(op, p, numericType(op, x, y), x, y);
    }

    private static NDArray elementwise(String op, Primitive p, DType t, NDArray x, NDArray y) {
        NDArray[] xy = Ops.elementwiseOperands(op, t, x, y);
        return bind1(p, Params.EMPTY, xy[0], xy[1]);
    }

    private static NDArray compare(String op, Primitive p, NDArray x, NDArray y) {
        return elementwise(op, p, Ops.resultDType(x, y), x, y);
    }

    private static NDArray logic(String op, Primitive p, NDArray x, NDArray y) {
        DType t = Ops.resultDType(x, y);
        if (t.isFloating()) throw new DTypeError(op + ": expects bool or integer arrays, got " + Ops.describe(x, y));
        return elementwise(op, p, t, x, y);
    }

    private static DType numericType(String op, NDArray x, NDArray y) {
        DType t = Ops.resultDType(x, y);
        if (t == DType.BOOL) throw new DTypeError(op + ": expects numeric arrays, got " + Ops.describe(x, y));
        return t;
    }

    private static DType inexactType(String op, NDArray x, NDArray y) {
        return Ops.inexactOf(numericType(op, x, y));
    }

    private static NDArray unaryNumeric(String op, Primitive p, NDArray x) {
        return bind1(p, Params.EMPTY, checkNumeric(op, x));
    }

    private static NDArray unaryInexact(String op, Primitive p, NDArray x) {
        return bind1(p, Params.EMPTY, Ops.toInexact(op, x));
    }

    private static NDArray checkNumeric(String op, NDArray x) {
        if (x.dtype() == DType.BOOL) throw new DTypeError(op + ": expects a numeric array, got " + x.abstractType());
        return x;
    }

    private static NDArray reduce(String op, Primitive p, NDArray x, int[] axes) {
        int[] ax = Ops.axes(op, x, axes);
        if (ax.length == 0) return x;
        return bind1(p, Params.of("axes", ax), x);
    }

    private static NDArray argReduce(String op, Primitive p, NDArray x, int axis) {
        int a = Ops.axis(op, x, axis);
        if (x.shape()[a] == 0) throw new ShapeError(op + ": attempt to take the " + op + " of an empty axis " + a + " of " + x.abstractType());
        NDArray v = x.dtype() == DType.BOOL ? x.astype(DType.I32) : x;
        return bind1(p, Params.of("axis", a, "index_dtype", DType.I32), v);
    }

    /** max or min; bools reduce as 0/1 and come back as bools, as NumPy's any/all. */
    private static NDArray extremum(String op, Primitive p, NDArray x, int[] axes) {
        for (int a : Ops.axes(op, x, axes)) {
            if (x.shape()[a] == 0) {
                throw new ShapeError(op + ": axis " + a + " of " + x.abstractType() + " is empty, and " + op
                        + " has no identity to return for it (as in NumPy); use a where= mask or check the size first");
            }
        }
        if (x.dtype() == DType.BOOL) return reduce(op, p, x.astype(DType.I32), Ops.axes(op, x, axes)).astype(DType.BOOL);
        return reduce(op, p, x, axes);
    }

    /** Re-inserts reduced axes as size 1. */
    static NDArray keepDims(NDArray reduced, int rank, int[] axes) {
        int[] shape = new int[rank];
        int j = 0;
        int[] rs = reduced.shape();
        for (int i = 0; i < rank; i++) {
            final int axis = i;
            shape[i] = Arrays.stream(axes).anyMatch(a -> a == axis) ? 1 : rs[j++];
        }
        return reshape(reduced, shape);
    }

    private static NDArray squeezeAxes(NDArray x, int[] axes) {
        return axes.length == 0 ? x : bind1(Primitive.SQUEEZE, Params.of("dims", axes), x);
    }

    private static int[] batchPart(NDArray x) {
        return Arrays.copyOf(x.shape(), x.ndim() - 2);
    }

    private static int[] lastTwo(NDArray x) {
        int[] s = x.shape();
        return new int[] {s[s.length - 2], s[s.length - 1]};
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
