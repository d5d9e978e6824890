package org.nabla4j.ir;

import org.nabla4j.DType;

/**
 * A rank-0 constant operand. The value is a {@link Double} for float dtypes (exactly representable
 * in the dtype), a {@link Long} for integer dtypes, a {@link Boolean} for BOOL. Prints as {@code 2.0:f32}.
 */
public record Literal(Object value, DType dtype) implements Atom {
    public Literal {
        value = normalize(value, dtype);
    }

    public static Literal of(double v, DType dtype) { return new Literal(v, dtype); }

    /** The value of a rank-0 tensor as a literal. */
    public static Literal of(Tensor scalar) {
        if (scalar.shape().rank() != 0) throw new IllegalArgumentException("literal needs a rank-0 tensor, got " + scalar.type());
        return switch (scalar.dtype()) {
            case BOOL -> new Literal(scalar.getBool(0), scalar.dtype());
            case I32, I64 -> new Literal(scalar.getLong(0), scalar.dtype());
            case F32, F64 -> new Literal(scalar.getDouble(0), scalar.dtype());
        };
    }

    public AbstractArray type() { return AbstractArray.scalar(dtype); }

    public double asDouble() {
        return switch (value) {
            case Double d -> d;
            case Long l -> l;
            case Boolean b -> b ? 1 : 0;
            default -> throw new IllegalStateException();
        };
    }

    public long asLong() {
        return switch (value) {
            case Double d -> (long) d.doubleValue();
            case Long l -> l;
            case Boolean b -> b ? 1 : 0;
            default -> throw new IllegalStateException();
        };
    }

    private static Object normalize(Object v, DType dtype) {
        if (dtype == null) throw new IllegalArgumentException("literal needs a dtype");
        if (!(v instanceof Number || v instanceof Boolean)) {
            throw new IllegalArgumentException("literal value must be a number or boolean, got " + v);
        }
        return switch (dtype) {
            case BOOL -> v instanceof Boolean b ? b : ((Number) v).doubleValue() != 0;
            case I32 -> (long) (int) asLongOf(v);
            case I64 -> asLongOf(v);
            case F32 -> (double) (float) asDoubleOf(v);
            case F64 -> asDoubleOf(v);
        };
    }

    private static long asLongOf(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : v instanceof Double || v instanceof Float
                ? (long) ((Number) v).doubleValue() : ((Number) v).longValue();
    }

    private static double asDoubleOf(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
    }

    /** The text form of the value alone: {@code 2.0}, {@code -3}, {@code true}, {@code nan}, {@code inf}. */
    public String valueText() {
        return switch (value) {
            case Double d when d.isNaN() -> "nan";
            case Double d when d.isInfinite() -> d > 0 ? "inf" : "-inf";
            case Double d when dtype == DType.F32 -> Float.toString(d.floatValue());
            default -> value.toString();
        };
    }

    @Override
    public String toString() { return valueText() + ":" + dtype.shortName(); }
}
