package org.nabla4j;

import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Tensor;
import org.nabla4j.ir.Var;

/**
 * An immutable n-dimensional array. Outside a transformation it holds row-major data; inside
 * {@code Nabla.jit}, {@code grad} or {@code vmap} the same methods record equations of the traced
 * program, so user code does not change between eager and traced use.
 *
 * <pre>{@code
 * NDArray x = NDArray.of(1f, 2f, 3f);
 * NDArray y = x.mul(2).add(1);          // f32[3]: [3, 5, 7]; Java scalars keep x's dtype
 * double total = y.sum().item();        // 15.0
 * }</pre>
 *
 * Arithmetic broadcasts like NumPy; dtypes promote along {@code BOOL < I32 < I64 < F32 < F64}.
 * {@code equals} is identity, as for JAX arrays: compare values with {@link Np#allclose}.
 */
public final class NDArray {
    static {
        UserFrames.registerLibrary(NDArray.class);
    }

    private final AbstractArray type;
    private final Tensor value;
    private final Trace trace;
    private final Var var;
    private final boolean weak;

    private NDArray(AbstractArray type, Tensor value, Trace trace, Var var, boolean weak) {
        this.type = type;
        this.value = value;
        this.trace = trace;
        this.var = var;
        this.weak = weak;
    }

    static NDArray concrete(Tensor t) { return new NDArray(t.type(), t, null, null, false); }

    static NDArray traced(Trace trace, Var var, AbstractArray type) { return new NDArray(type, null, trace, var, false); }

    /** A weakly typed scalar from a Java number: it takes the dtype of the arrays it meets. */
    static NDArray weak(double v) { return new NDArray(AbstractArray.scalar(DType.F64), Tensor.scalar(v, DType.F64), null, null, true); }

    static NDArray weak(long v) {
        DType t = v == (int) v ? DType.I32 : DType.I64;
        return new NDArray(AbstractArray.scalar(t), Tensor.scalar(v, t), null, null, true);
    }

    // ---- factories ----

    public static NDArray of(float... values) { return concrete(Tensor.wrap(AbstractArray.of(DType.F32, values.length), values.clone())); }

    public static NDArray of(double... values) { return concrete(Tensor.wrap(AbstractArray.of(DType.F64, values.length), values.clone())); }

    public static NDArray of(int... values) { return concrete(Tensor.wrap(AbstractArray.of(DType.I32, values.length), values.clone())); }

    public static NDArray of(long... values) { return concrete(Tensor.wrap(AbstractArray.of(DType.I64, values.length), values.clone())); }

    public static NDArray of(boolean... values) { return concrete(Tensor.wrap(AbstractArray.of(DType.BOOL, values.length), values.clone())); }

    /** Row-major {@code data} viewed with the given shape: {@code NDArray.of(new float[6], 2, 3)}. */
    public static NDArray of(float[] data, int... shape) { return ofShaped(DType.F32, data.clone(), shape); }

    public static NDArray of(double[] data, int... shape) { return ofShaped(DType.F64, data.clone(), shape); }

    public static NDArray of(int[] data, int... shape) { return ofShaped(DType.I32, data.clone(), shape); }

    public static NDArray of(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] data = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) throw new ShapeError("NDArray.of: row " + i + " has " + rows[i].length + " elements, row 0 has " + cols);
            System.arraycopy(rows[i], 0, data, i * cols, cols);
        }
        return ofShaped(DType.F32, data, new int[] {rows.length, cols});
    }

    public static NDArray of(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] data = new double[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) throw new ShapeError("NDArray.of: row " + i + " has " + rows[i].length + " elements, row 0 has " + cols);
            System.arraycopy(rows[i], 0, data, i * cols, cols);
        }
        return ofShaped(DType.F64, data, new int[] {rows.length, cols});
    }

    private static NDArray ofShaped(DType dtype, Object data, int[] shape) {
        Shape s = checkedShape("NDArray.of", shape);
        if (s.size() != Tensor.length(data)) {
            throw new ShapeError("NDArray.of: " + Tensor.length(data) + " values do not fill shape " + s + " (" + s.size() + " elements)");
        }
        return concrete(Tensor.wrap(new AbstractArray(dtype, s), data));
    }

    static Shape checkedShape(String op, int[] shape) {
        for (int d : shape) {
            if (d < 0) throw new ShapeError(op + ": negative dimension in shape " + java.util.Arrays.toString(shape));
        }
        return Shape.of(shape);
    }

    public static NDArray scalar(float v) { return concrete(Tensor.scalar(v, DType.F32)); }

    public static NDArray scalar(double v) { return concrete(Tensor.scalar(v, DType.F64)); }

    public static NDArray scalar(int v) { return concrete(Tensor.scalar(v, DType.I32)); }

    public static NDArray scalar(long v) {
        Object d = Tensor.allocate(DType.I64, 1);
        Tensor.setLong(d, 0, v);
        return concrete(Tensor.wrap(AbstractArray.scalar(DType.I64), d));
    }

    public static NDArray scalar(boolean v) { return concrete(Tensor.wrap(AbstractArray.scalar(DType.BOOL), new boolean[] {v})); }

    public static NDArray zeros(DType dtype, int... shape) { return full(dtype, 0, shape); }

    public static NDArray ones(DType dtype, int... shape) { return full(dtype, 1, shape); }

    public static NDArray full(DType dtype, double value, int... shape) {
        Shape s = checkedShape("full", shape);
        Object data = Tensor.allocate(dtype, s.size());
        for (int i = 0; i < s.size(); i++) Tensor.setDouble(data, i, value);
        return concrete(Tensor.wrap(new AbstractArray(dtype, s), data));
    }

    /** {@code [0, 1, …, stop-1]} as i32. */
    public static NDArray arange(int stop) { return arange(0, stop, 1); }

    public static NDArray arange(int start, int stop) { return arange(start, stop, 1); }

    public static NDArray arange(int start, int stop, int step) {
        if (step == 0) throw new ShapeError("arange: step must not be zero");
        int n = Math.max(0, (int) Math.ceil((stop - start) / (double) step));
        int[] data = new int[n];
        for (int i = 0; i < n; i++) data[i] = start + i * step;
        return concrete(Tensor.wrap(AbstractArray.of(DType.I32, n), data));
    }

    /** Evenly spaced f32 values over [start, stop), like {@code np.arange} with float arguments. */
    public static NDArray arange(double start, double stop, double step) {
        if (step == 0) throw new ShapeError("arange: step must not be zero");
        int n = Math.max(0, (int) Math.ceil((stop - start) / step));
        float[] data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float) (start + i * step);
        return concrete(Tensor.wrap(AbstractArray.of(DType.F32, n), data));
    }

    /** {@code num} evenly spaced f32 values from start to stop inclusive. */
    public static NDArray linspace(double start, double stop, int num) { return linspace(start, stop, num, DType.F32); }

    public static NDArray linspace(double start, double stop, int num, DType dtype) {
        if (num < 0) throw new ShapeError("linspace: num must be >= 0, got " + num);
        Object data = Tensor.allocate(dtype, num);
        double step = num > 1 ? (stop - start) / (num - 1) : 0;
        for (int i = 0; i < num; i++) Tensor.setDouble(data, i, i == num - 1 && num > 1 ? stop : start + i * step);
        return concrete(Tensor.wrap(AbstractArray.of(dtype, num), data));
    }

    /** The f32 identity matrix. */
    public static NDArray eye(int n) { return eye(DType.F32, n); }

    public static NDArray eye(DType dtype, int n) {
        Object data = Tensor.allocate(dtype, n * n);
        for (int i = 0; i < n; i++) Tensor.setDouble(data, i * n + i, 1);
        return concrete(Tensor.wrap(AbstractArray.of(dtype, n, n), data));
    }

    // ---- properties ----

    public DType dtype() { return type.dtype(); }

    /** A copy of the shape. */
    public int[] shape() { return type.shape().dims(); }

    public int ndim() { return type.rank(); }

    public int size() { return type.shape().size(); }

    /** True when this array holds data; false for a tracer inside a transformation. */
    public boolean isConcrete() { return value != null; }

    AbstractArray abstractType() { return type; }

    boolean isWeak() { return weak; }

    Trace trace() { return trace; }

    Var var() { return var; }

    Tensor tensor() { return value; }

    /** The data of a concrete array; throws ConcretizationError for a tracer. */
    Tensor concreteValue(String op) {
        if (value != null) return value;
        trace.checkUsable(op);
        throw new ConcretizationError(op + "() needs a concrete value, but this " + type + " is traced inside " + trace.purpose()
                + ": its value is not known until the compiled function runs. Branch on traced values with Np.where or "
                + "Nabla.cond instead of a Java if, or convert the result after the transformed function returns");
    }

    // ---- conversions out ----

    public float[] toFloatArray() {
        Tensor t = concreteValue("toFloatArray");
        float[] out = new float[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) t.getDouble(i);
        return out;
    }

    public double[] toDoubleArray() {
        Tensor t = concreteValue("toDoubleArray");
        double[] out = new double[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = t.getDouble(i);
        return out;
    }

    public int[] toIntArray() {
        Tensor t = concreteValue("toIntArray");
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = (int) t.getLong(i);
        return out;
    }

    public long[] toLongArray() {
        Tensor t = concreteValue("toLongArray");
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = t.getLong(i);
        return out;
    }

    public boolean[] toBooleanArray() {
        Tensor t = concreteValue("toBooleanArray");
        boolean[] out = new boolean[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = t.getBool(i);
        return out;
    }

    /** The rows of a rank-2 array. */
    public double[][] toDoubleArray2D() {
        Tensor t = concreteValue("toDoubleArray2D");
        if (ndim() != 2) throw new ShapeError("toDoubleArray2D: needs a rank-2 array, got " + type);
        int rows = shape()[0], cols = shape()[1];
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) out[i][j] = t.getDouble(i * cols + j);
        }
        return out;
    }

    /** The single element as a double (bools give 0 or 1). */
    public double item() {
        Tensor t = concreteValue("item");
        if (t.size() != 1) throw new ShapeError("item: needs an array with exactly one element, got " + type);
        return t.getDouble(0);
    }

    /** NumPy's repr: {@code array([1., 2.], dtype=float32)}; a tracer prints as {@code Traced<f32[2]>}. */
    @Override
    public String toString() {
        if (value == null) return "Traced<" + type + ">";
        return ArrayFormat.repr(value);
    }

    // ---- arithmetic (NumPy broadcasting; Java scalars are weakly typed) ----

    public NDArray add(NDArray y) { return Np.add(this, y); }
    public NDArray add(double y) { return Np.add(this, weak(y)); }
    public NDArray add(long y) { return Np.add(this, weak(y)); }
    public NDArray sub(NDArray y) { return Np.sub(this, y); }
    public NDArray sub(double y) { return Np.sub(this, weak(y)); }
    public NDArray sub(long y) { return Np.sub(this, weak(y)); }
    public NDArray mul(NDArray y) { return Np.mul(this, y); }
    public NDArray mul(double y) { return Np.mul(this, weak(y)); }
    public NDArray mul(long y) { return Np.mul(this, weak(y)); }
    public NDArray div(NDArray y) { return Np.div(this, y); }
    public NDArray div(double y) { return Np.div(this, weak(y)); }
    public NDArray div(long y) { return Np.div(this, weak(y)); }
    public NDArray pow(NDArray y) { return Np.pow(this, y); }
    public NDArray pow(double y) { return Np.pow(this, weak(y)); }
    public NDArray pow(long y) { return Np.pow(this, weak(y)); }
    public NDArray mod(NDArray y) { return Np.mod(this, y); }
    public NDArray mod(double y) { return Np.mod(this, weak(y)); }
    public NDArray mod(long y) { return Np.mod(this, weak(y)); }
    public NDArray maximum(NDArray y) { return Np.maximum(this, y); }
    public NDArray maximum(double y) { return Np.maximum(this, weak(y)); }
    public NDArray maximum(long y) { return Np.maximum(this, weak(y)); }
    public NDArray minimum(NDArray y) { return Np.minimum(this, y); }
    public NDArray minimum(double y) { return Np.minimum(this, weak(y)); }
    public NDArray minimum(long y) { return Np.minimum(this, weak(y)); }
    public NDArray neg() { return Np.neg(this); }
    public NDArray abs() { return Np.abs(this); }
    public NDArray sign() { return Np.sign(this); }
    public NDArray square() { return Np.square(this); }
    public NDArray exp() { return Np.exp(this); }
    public NDArray log() { return Np.log(this); }
    public NDArray log1p() { return Np.log1p(this); }
    public NDArray expm1() { return Np.expm1(this); }
    public NDArray sin() { return Np.sin(this); }
    public NDArray cos() { return Np.cos(this); }
    public NDArray tan() { return Np.tan(this); }
    public NDArray tanh() { return Np.tanh(this); }
    public NDArray sqrt() { return Np.sqrt(this); }
    public NDArray floor() { return Np.floor(this); }
    public NDArray ceil() { return Np.ceil(this); }
    public NDArray round() { return Np.round(this); }

    // ---- comparisons and logic ----

    public NDArray lt(NDArray y) { return Np.less(this, y); }
    public NDArray lt(double y) { return Np.less(this, weak(y)); }
    public NDArray lt(long y) { return Np.less(this, weak(y)); }
    public NDArray le(NDArray y) { return Np.lessEqual(this, y); }
    public NDArray le(double y) { return Np.lessEqual(this, weak(y)); }
    public NDArray le(long y) { return Np.lessEqual(this, weak(y)); }
    public NDArray gt(NDArray y) { return Np.greater(this, y); }
    public NDArray gt(double y) { return Np.greater(this, weak(y)); }
    public NDArray gt(long y) { return Np.greater(this, weak(y)); }
    public NDArray ge(NDArray y) { return Np.greaterEqual(this, y); }
    public NDArray ge(double y) { return Np.greaterEqual(this, weak(y)); }
    public NDArray ge(long y) { return Np.greaterEqual(this, weak(y)); }
    public NDArray eq(NDArray y) { return Np.equal(this, y); }
    public NDArray eq(double y) { return Np.equal(this, weak(y)); }
    public NDArray eq(long y) { return Np.equal(this, weak(y)); }
    public NDArray ne(NDArray y) { return Np.notEqual(this, y); }
    public NDArray ne(double y) { return Np.notEqual(this, weak(y)); }
    public NDArray ne(long y) { return Np.notEqual(this, weak(y)); }
    public NDArray and(NDArray y) { return Np.logicalAnd(this, y); }
    public NDArray or(NDArray y) { return Np.logicalOr(this, y); }
    public NDArray not() { return Np.logicalNot(this); }

    // ---- linear algebra, reductions ----

    public NDArray matmul(NDArray y) { return Np.matmul(this, y); }
    public NDArray dot(NDArray y) { return Np.dot(this, y); }
    /** Sum over the given axes, or over all axes when none are given. */
    public NDArray sum(int... axes) { return Np.sum(this, axes); }
    public NDArray mean(int... axes) { return Np.mean(this, axes); }
    public NDArray max(int... axes) { return Np.max(this, axes); }
    public NDArray min(int... axes) { return Np.min(this, axes); }
    public NDArray prod(int... axes) { return Np.prod(this, axes); }
    /** Index of the maximum of the flattened array. */
    public NDArray argmax() { return Np.argmax(this); }
    public NDArray argmax(int axis) { return Np.argmax(this, axis); }
    public NDArray argmin() { return Np.argmin(this); }
    public NDArray argmin(int axis) { return Np.argmin(this, axis); }
    public NDArray cumsum(int axis) { return Np.cumsum(this, axis); }

    // ---- shape ----

    /** Reshapes; one dimension may be -1 and is then inferred. */
    public NDArray reshape(int... shape) { return Np.reshape(this, shape); }
    /** Reverses the axes, or permutes them as given. */
    public NDArray transpose(int... axes) { return Np.transpose(this, axes); }
    /** The transpose of a matrix (axes reversed). */
    public NDArray T() { return Np.transpose(this); }
    public NDArray broadcastTo(int... shape) { return Np.broadcastTo(this, shape); }
    public NDArray flatten() { return Np.reshape(this, -1); }
    public NDArray squeeze(int... axes) { return Np.squeeze(this, axes); }
    public NDArray expandDims(int axis) { return Np.expandDims(this, axis); }
    public NDArray astype(DType dtype) { return Np.astype(this, dtype); }
    /** Row {@code i} along axis 0 (negative counts from the end), like {@code x[i]}. */
    public NDArray get(int i) { return Np.take(this, i, 0); }
    /** Elements {@code start..stop-1} along {@code axis}, like {@code x[start:stop]} on that axis. */
    public NDArray slice(int axis, int start, int stop) { return Np.slice(this, axis, start, stop, 1); }
}
