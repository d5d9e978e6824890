package org.nabla4j.ir;

import org.nabla4j.DType;

/** The type of an IR value: element type and exact shape. Prints as {@code f32[3,4]}. */
public record AbstractArray(DType dtype, Shape shape) {
    public AbstractArray {
        if (dtype == null || shape == null) throw new IllegalArgumentException("dtype and shape are required");
    }

    public static AbstractArray of(DType dtype, int... dims) { return new AbstractArray(dtype, Shape.of(dims)); }

    public static AbstractArray scalar(DType dtype) { return new AbstractArray(dtype, Shape.SCALAR); }

    public int rank() { return shape.rank(); }

    public AbstractArray withDType(DType d) { return new AbstractArray(d, shape); }

    public AbstractArray withShape(Shape s) { return new AbstractArray(dtype, s); }

    @Override
    public String toString() { return dtype.shortName() + shape; }
}
