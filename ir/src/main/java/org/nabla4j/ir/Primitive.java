package org.nabla4j.ir;

import java.util.HashMap;
import java.util.Map;

/**
 * The primitive set of the IR (DESIGN §2). Kept small: everything else is built from these in
 * {@code Np}. Each transform owns a rule table keyed by this enum; completeness tests walk
 * {@link #values()}.
 */
public enum Primitive {
    // elementwise unary
    NEG(Kind.UNARY), ABS(Kind.UNARY), SIGN(Kind.UNARY), EXP(Kind.UNARY), EXP2(Kind.UNARY), LOG(Kind.UNARY),
    LOG1P(Kind.UNARY), EXPM1(Kind.UNARY), SIN(Kind.UNARY), COS(Kind.UNARY), TAN(Kind.UNARY), TANH(Kind.UNARY),
    LOGISTIC(Kind.UNARY), SQRT(Kind.UNARY), RSQRT(Kind.UNARY), FLOOR(Kind.UNARY), CEIL(Kind.UNARY),
    ROUND(Kind.UNARY), IS_FINITE(Kind.UNARY), NOT(Kind.UNARY),
    // elementwise binary
    ADD(Kind.BINARY), SUB(Kind.BINARY), MUL(Kind.BINARY), DIV(Kind.BINARY), REM(Kind.BINARY), POW(Kind.BINARY),
    MAX(Kind.BINARY), MIN(Kind.BINARY), ATAN2(Kind.BINARY), AND(Kind.BINARY), OR(Kind.BINARY), XOR(Kind.BINARY),
    EQ(Kind.BINARY), NE(Kind.BINARY), LT(Kind.BINARY), LE(Kind.BINARY), GT(Kind.BINARY), GE(Kind.BINARY),
    // everything else
    SELECT_N(Kind.OTHER), CONVERT_ELEMENT_TYPE(Kind.UNARY), IOTA(Kind.OTHER), BROADCAST_IN_DIM(Kind.OTHER),
    RESHAPE(Kind.OTHER), TRANSPOSE(Kind.OTHER), SQUEEZE(Kind.OTHER), EXPAND_DIMS(Kind.OTHER), SLICE(Kind.OTHER),
    PAD(Kind.OTHER), CONCATENATE(Kind.OTHER), DYNAMIC_SLICE(Kind.OTHER), DYNAMIC_UPDATE_SLICE(Kind.OTHER),
    GATHER(Kind.OTHER), SCATTER_ADD(Kind.OTHER),
    REDUCE_SUM(Kind.REDUCTION), REDUCE_MAX(Kind.REDUCTION), REDUCE_MIN(Kind.REDUCTION), REDUCE_PROD(Kind.REDUCTION),
    ARGMAX(Kind.OTHER), ARGMIN(Kind.OTHER), CUMSUM(Kind.OTHER), DOT_GENERAL(Kind.OTHER), SORT(Kind.OTHER),
    STOP_GRADIENT(Kind.UNARY),
    // control flow: sub-programs in params
    COND(Kind.CONTROL), WHILE(Kind.CONTROL), SCAN(Kind.CONTROL),
    // a function with a user-defined reverse-mode derivative
    CUSTOM_VJP_CALL(Kind.CONTROL);

    /** Coarse classes that several transforms treat alike. */
    public enum Kind { UNARY, BINARY, REDUCTION, OTHER, CONTROL }

    private static final Map<String, Primitive> BY_NAME = new HashMap<>();

    static {
        for (Primitive p : values()) BY_NAME.put(p.irName, p);
    }

    private final Kind kind;
    private final String irName;

    Primitive(Kind kind) {
        this.kind = kind;
        this.irName = name().toLowerCase(java.util.Locale.ROOT);
    }

    public Kind kind() { return kind; }

    /** The name in the text form, e.g. {@code broadcast_in_dim}. */
    public String irName() { return irName; }

    /** True for the elementwise primitives with one operand whose result has the operand's shape. */
    public boolean isElementwise() {
        return kind == Kind.UNARY || kind == Kind.BINARY || this == SELECT_N;
    }

    /** Comparisons produce BOOL from numeric operands. */
    public boolean isComparison() {
        return this == EQ || this == NE || this == LT || this == LE || this == GT || this == GE;
    }

    public static Primitive byName(String irName) {
        Primitive p = BY_NAME.get(irName);
        if (p == null) throw new IllegalArgumentException("unknown primitive '" + irName + "'");
        return p;
    }

    @Override
    public String toString() { return irName; }
}
