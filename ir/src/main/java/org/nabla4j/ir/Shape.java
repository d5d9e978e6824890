package org.nabla4j.ir;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** An exact, immutable array shape. Dimensions are non-negative; rank 0 is a scalar. */
public final class Shape {
    public static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    public static Shape of(List<Integer> dims) {
        return of(dims.stream().mapToInt(Integer::intValue).toArray());
    }

    public int rank() { return dims.length; }

    public int dim(int axis) { return dims[axis]; }

    public int[] dims() { return dims.clone(); }

    public List<Integer> toList() { return Arrays.stream(dims).boxed().toList(); }

    /** Number of elements; fails if it does not fit an int (arrays are backed by Java arrays). */
    public int size() {
        long n = 1;
        for (int d : dims) n *= d;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + this + " has more than 2^31-1 elements");
        return (int) n;
    }

    /** Row-major strides in elements. */
    public int[] strides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(dims); }

    /** {@code [3,4]}, as in the IR text form. */
    @Override
    public String toString() {
        return Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]"));
    }
}
