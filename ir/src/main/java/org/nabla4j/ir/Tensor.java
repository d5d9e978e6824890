package org.nabla4j.ir;

import java.util.Arrays;
import org.nabla4j.DType;

/**
 * A concrete array: dtype, shape and row-major data in a Java primitive array
 * ({@code float[] double[] int[] long[] boolean[]} for {@code F32 F64 I32 I64 BOOL}).
 * Immutable by contract: the data array is never written after construction and never handed out
 * without copying, except to code in this package and to backends that promise not to write it.
 */
public final class Tensor {
    private final AbstractArray type;
    private final Object data;

    private Tensor(AbstractArray type, Object data) {
        this.type = type;
        this.data = data;
    }

    /** Wraps {@code data} without copying; the caller gives up the right to write it. */
    public static Tensor wrap(AbstractArray type, Object data) {
        int n = length(data);
        if (n != type.shape().size() || !dataClass(type.dtype()).isInstance(data)) {
            throw new IllegalArgumentException("data of length " + n + " (" + data.getClass().getSimpleName()
                    + ") does not fit " + type);
        }
        return new Tensor(type, data);
    }

    public static Tensor zeros(AbstractArray type) { return new Tensor(type, allocate(type.dtype(), type.shape().size())); }

    public static Tensor scalar(double v, DType dtype) {
        Object d = allocate(dtype, 1);
        setDouble(d, 0, v);
        return new Tensor(AbstractArray.scalar(dtype), d);
    }

    public static Tensor of(Literal l) {
        Object d = allocate(l.dtype(), 1);
        switch (l.dtype()) {
            case I32, I64 -> setLong(d, 0, l.asLong());
            default -> setDouble(d, 0, l.asDouble());
        }
        return new Tensor(l.type(), d);
    }

    public AbstractArray type() { return type; }

    public DType dtype() { return type.dtype(); }

    public Shape shape() { return type.shape(); }

    public int size() { return length(data); }

    /** The backing array. Callers must not write it. */
    public Object data() { return data; }

    public double getDouble(int i) { return getDouble(data, i); }

    public long getLong(int i) { return getLong(data, i); }

    public boolean getBool(int i) { return getBool(data, i); }

    public Tensor reshape(Shape s) { return new Tensor(type.withShape(s), data); }

    // ---- raw data helpers shared by the interpreter's rules ----

    public static Class<?> dataClass(DType t) {
        return switch (t) {
            case F32 -> float[].class;
            case F64 -> double[].class;
            case I32 -> int[].class;
            case I64 -> long[].class;
            case BOOL -> boolean[].class;
        };
    }

    public static Object allocate(DType t, int n) {
        return switch (t) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
            case I64 -> new long[n];
            case BOOL -> new boolean[n];
        };
    }

    public static int length(Object data) {
        return switch (data) {
            case float[] a -> a.length;
            case double[] a -> a.length;
            case int[] a -> a.length;
            case long[] a -> a.length;
            case boolean[] a -> a.length;
            default -> throw new IllegalArgumentException("not array data: " + data);
        };
    }

    public static double getDouble(Object data, int i) {
        return switch (data) {
            case float[] a -> a[i];
            case double[] a -> a[i];
            case int[] a -> a[i];
            case long[] a -> a[i];
            case boolean[] a -> a[i] ? 1 : 0;
            default -> throw new IllegalArgumentException();
        };
    }

    public static long getLong(Object data, int i) {
        return switch (data) {
            case float[] a -> (long) a[i];
            case double[] a -> (long) a[i];
            case int[] a -> a[i];
            case long[] a -> a[i];
            case boolean[] a -> a[i] ? 1 : 0;
            default -> throw new IllegalArgumentException();
        };
    }

    public static boolean getBool(Object data, int i) {
        return switch (data) {
            case float[] a -> a[i] != 0;
            case double[] a -> a[i] != 0;
            case int[] a -> a[i] != 0;
            case long[] a -> a[i] != 0;
            case boolean[] a -> a[i];
            default -> throw new IllegalArgumentException();
        };
    }

    /** Stores v, converting as a C cast would (float to int truncates; non-zero is true). */
    public static void setDouble(Object data, int i, double v) {
        switch (data) {
            case float[] a -> a[i] = (float) v;
            case double[] a -> a[i] = v;
            case int[] a -> a[i] = (int) v;
            case long[] a -> a[i] = (long) v;
            case boolean[] a -> a[i] = v != 0;
            default -> throw new IllegalArgumentException();
        }
    }

    public static void setLong(Object data, int i, long v) {
        switch (data) {
            case float[] a -> a[i] = (float) v;
            case double[] a -> a[i] = (double) v;
            case int[] a -> a[i] = (int) v;
            case long[] a -> a[i] = v;
            case boolean[] a -> a[i] = v != 0;
            default -> throw new IllegalArgumentException();
        }
    }

    public static void setBool(Object data, int i, boolean v) {
        setLong(data, i, v ? 1 : 0);
    }

    /** Copies element {@code from} of src to element {@code to} of dst (same dtype). */
    public static void copyElement(Object src, int from, Object dst, int to) {
        switch (dst) {
            case float[] a -> a[to] = ((float[]) src)[from];
            case double[] a -> a[to] = ((double[]) src)[from];
            case int[] a -> a[to] = ((int[]) src)[from];
            case long[] a -> a[to] = ((long[]) src)[from];
            case boolean[] a -> a[to] = ((boolean[]) src)[from];
            default -> throw new IllegalArgumentException();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && type.equals(t.type) && Arrays.deepEquals(new Object[] {data}, new Object[] {t.data});
    }

    @Override
    public int hashCode() { return type.hashCode() * 31 + Arrays.deepHashCode(new Object[] {data}); }

    @Override
    public String toString() {
        return type + " " + switch (data) {
            case float[] a -> Arrays.toString(a);
            case double[] a -> Arrays.toString(a);
            case int[] a -> Arrays.toString(a);
            case long[] a -> Arrays.toString(a);
            case boolean[] a -> Arrays.toString(a);
            default -> "?";
        };
    }
}
