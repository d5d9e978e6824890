package org.nabla4j;

import java.util.Locale;

/**
 * Element types of arrays.
 *
 * <p>Promotion follows JAX's lattice restricted to these types: {@code BOOL < I32 < I64 < F32 < F64}
 * (so {@code promote(I64, F32) == F32}, as in JAX). Java scalar literals are <em>weakly typed</em>:
 * they take the dtype of the array they meet if it is of the same kind or higher (see
 * {@link #promoteWeak}).
 */
public enum DType {
    BOOL("bool", "bool", 1),
    I32("i32", "int32", 4),
    I64("i64", "int64", 8),
    F32("f32", "float32", 4),
    F64("f64", "float64", 8);

    private final String shortName;
    private final String numpyName;
    private final int byteSize;

    DType(String shortName, String numpyName, int byteSize) {
        this.shortName = shortName;
        this.numpyName = numpyName;
        this.byteSize = byteSize;
    }

    /** The name used in the IR text form, e.g. {@code f32}. */
    public String shortName() { return shortName; }

    /** NumPy's name, e.g. {@code float32}. */
    public String numpyName() { return numpyName; }

    public int byteSize() { return byteSize; }

    public boolean isFloating() { return this == F32 || this == F64; }

    public boolean isInteger() { return this == I32 || this == I64; }

    public boolean isBool() { return this == BOOL; }

    /** Integers and floats; booleans are not numeric. */
    public boolean isNumeric() { return this != BOOL; }

    /** The smallest dtype both {@code a} and {@code b} convert to without leaving the lattice. */
    public static DType promote(DType a, DType b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /**
     * Promotion of an array of dtype {@code strong} with a weakly typed scalar of kind {@code weak}:
     * the array's dtype wins unless the scalar is of a higher kind (a Java double meeting an int array
     * gives the default float, F32, as in JAX; a Java int meeting a bool array gives I32).
     */
    public static DType promoteWeak(DType strong, DType weak) {
        if (weak.isFloating() && !strong.isFloating()) return F32;
        if (weak.isInteger() && strong.isBool()) return I32;
        return strong;
    }

    /** Parses a short name ({@code f32}) or a NumPy name ({@code float32}). */
    public static DType parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (DType t : values()) {
            if (t.shortName.equals(n) || t.numpyName.equals(n)) return t;
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "'; expected one of bool, i32, i64, f32, f64");
    }

    @Override
    public String toString() { return shortName; }
}
