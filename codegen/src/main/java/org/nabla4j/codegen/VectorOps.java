package org.nabla4j.codegen;

import static org.objectweb.asm.Opcodes.*;

import org.nabla4j.DType;
import org.nabla4j.ir.Primitive;
import org.objectweb.asm.MethodVisitor;

/** Vector API bytecode for the elementwise primitives over FloatVector / DoubleVector. */
final class VectorOps {
    private static final String VEC = BytecodeEmitter.VEC;
    private static final String OPS = VEC + "VectorOperators";

    private VectorOps() {}

    static String vectorClass(DType t) {
        return t == DType.F32 ? VEC + "FloatVector" : VEC + "DoubleVector";
    }

    static String speciesField(DType t) {
        return t == DType.F32 ? "FS" : "DS";
    }

    private static String scalarDesc(DType t) {
        return t == DType.F32 ? "F" : "D";
    }

    /** Unary primitives with a vector lowering. */
    static boolean unary(Primitive op) {
        return switch (op) {
            case NEG, ABS, SQRT, EXP, LOG, LOG1P, EXPM1, SIN, COS, TAN, TANH, LOGISTIC, RSQRT, EXP2, CONVERT_ELEMENT_TYPE, STOP_GRADIENT -> true;
            default -> false;
        };
    }

    /** Binary primitives with a vector lowering (pow stays scalar: its edge cases follow C, not Math.pow). */
    static boolean binary(Primitive op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, MAX, MIN, ATAN2 -> true;
            default -> false;
        };
    }

    /**
     * Emits op(x); {@code operand} pushes x (called once, possibly after pushing constants);
     * {@code newLocal} hands out a fresh local variable for a vector the lowering reads twice.
     */
    static void unary(MethodVisitor mv, String owner, Primitive op, DType t, Runnable operand, java.util.function.IntSupplier newLocal) {
        String vc = vectorClass(t);
        String self = "()L" + vc + ";";
        switch (op) {
            case CONVERT_ELEMENT_TYPE, STOP_GRADIENT -> operand.run();
            case NEG, ABS, SQRT -> {
                operand.run();
                mv.visitMethodInsn(INVOKEVIRTUAL, vc, op == Primitive.NEG ? "neg" : op == Primitive.ABS ? "abs" : "sqrt", self, false);
            }
            case LOGISTIC -> {
                // 1 / (1 + exp(-x)): exp overflows to +inf for very negative x, giving 0 as it should.
                broadcastConst(mv, owner, t, 1);
                operand.run();
                mv.visitMethodInsn(INVOKEVIRTUAL, vc, "neg", self, false);
                lanewise(mv, vc, "EXP");
                pushScalar(mv, t, 1);
                mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", "(" + scalarDesc(t) + ")L" + vc + ";", false);
                mv.visitMethodInsn(INVOKEVIRTUAL, vc, "div", "(L" + VEC + "Vector;)L" + vc + ";", false);
            }
            case RSQRT -> {
                broadcastConst(mv, owner, t, 1);
                operand.run();
                mv.visitMethodInsn(INVOKEVIRTUAL, vc, "sqrt", self, false);
                mv.visitMethodInsn(INVOKEVIRTUAL, vc, "div", "(L" + VEC + "Vector;)L" + vc + ";", false);
            }
            case EXP2 -> {
                operand.run();
                pushScalar(mv, t, Math.log(2));
                mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", "(" + scalarDesc(t) + ")L" + vc + ";", false);
                lanewise(mv, vc, "EXP");
            }
            case TANH -> {
                operand.run();
                if (t == DType.F32) tanhF32(mv);
                else lanewise(mv, vc, "TANH");
            }
            case SIN, COS -> {
                operand.run();
                if (t == DType.F32) sinF32(mv, owner, newLocal, op == Primitive.COS);
                else lanewise(mv, vc, op.name());
            }
            case EXP -> {
                operand.run();
                if (t == DType.F32) expF32(mv, owner, newLocal);
                else lanewise(mv, vc, "EXP");
            }
            default -> {
                operand.run();
                lanewise(mv, vc, op.name());
            }
        }
    }

    /** tanh(x)/x ≈ P(x²)/Q(x²) on [-9, 9]: a rational fit (relative error 4e-8 in exact arithmetic) with positive coefficients, so Q has no zero. */
    private static final float[] TANH_P = {1.0f, 0.13388924f, 0.0035049217f, 2.0760714e-05f, 1.3560888e-08f};
    private static final float[] TANH_Q = {1.0f, 0.46722242f, 0.025912613f, 0.00033008156f, 7.861796e-07f};

    /**
     * [x] -> tanh(x) for f32 vectors: x P(x²) / Q(x²) with x clamped to ±9 (beyond which tanh is ±1
     * in f32) and the result clamped to ±1. Within 6 ulp of {@code Math.tanh} (0.9 ulp on average),
     * exact at 0, -0, ±∞ and NaN, and about 2.5× faster here than {@code lanewise(TANH)}, which
     * calls out to a library routine per vector. Written on the operand stack, so no helper method
     * has to be inlined.
     */
    private static void tanhF32(MethodVisitor mv) {
        String vc = VEC + "FloatVector", v = "(L" + VEC + "Vector;)L" + vc + ";", f = "(F)L" + vc + ";";
        mv.visitLdcInsn(-9f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "max", f, false);
        mv.visitLdcInsn(9f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "min", f, false); // [c]
        mv.visitInsn(DUP);
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", v, false); // [c, t = c²]
        mv.visitInsn(DUP);
        horner(mv, TANH_P); // [c, t, P]
        mv.visitInsn(SWAP);
        mv.visitInsn(DUP);
        horner(mv, TANH_Q); // [c, P, t, Q]
        mv.visitInsn(SWAP);
        mv.visitInsn(POP); // [c, P, Q]
        mv.visitInsn(DUP_X2);
        mv.visitInsn(POP); // [Q, c, P]
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", v, false);
        mv.visitInsn(SWAP);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "div", v, false); // [c P / Q]
        mv.visitLdcInsn(1f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "min", f, false);
        mv.visitLdcInsn(-1f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "max", f, false);
    }

    /** ln 2 in two parts: the first has few enough bits that k·LN2_HI is exact for every k the fast path sees. */
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** e^r ≈ 1 + r + r² E(r) on |r| ≤ ln2/2 (Cephes' expf coefficients, about 1 ulp). */
    private static final float[] EXP_E = {0.50000001201f, 0.16666665459f, 0.041665795894f, 0.0083334519073f, 0.0013981999507f, 1.9875691500e-4f};
    /**
     * The fast path's range, as |x - EXP_CENTER| ≤ EXP_HALF_WIDTH: [-86.5, 88.7], where 2^k of the
     * reduction is a normal float and the result neither overflows nor goes subnormal.
     */
    static final float EXP_LOW = -86.5f, EXP_HIGH = 88.7f;
    private static final float EXP_CENTER = (EXP_LOW + EXP_HIGH) / 2, EXP_HALF_WIDTH = (EXP_HIGH - EXP_LOW) / 2;

    /**
     * [x] -> e^x for f32 vectors: x = k·ln2 + r with k the nearest integer to x/ln2 (two fused
     * multiply-adds), e^r by a polynomial, and 2^k added to its exponent bits. Within 2 ulp of
     * {@code Math.exp} on [-86.5, 88.7]; a vector with a lane outside (a result that overflows or
     * is subnormal, or an infinity) takes {@code lanewise(EXP)} instead, and NaN stays NaN.
     */
    private static void expF32(MethodVisitor mv, String owner, java.util.function.IntSupplier newLocal) {
        String vc = VEC + "FloatVector", iv = VEC + "IntVector";
        int x = newLocal.getAsInt(), shifted = newLocal.getAsInt(), k = newLocal.getAsInt(), r = newLocal.getAsInt();
        mv.visitVarInsn(ASTORE, x);
        // k = x/ln2 rounded (in shifted's low bits too); r = x - k·ln2
        reduce(mv, owner, x, shifted, k, (float) (1 / Math.log(2)), new float[] {LN2_HI, LN2_LO});
        mv.visitVarInsn(ASTORE, r);
        // E(r) by Horner's rule in fused steps, then e^r = r²·E + r + 1
        fusedHorner(mv, owner, r, EXP_E);
        timesProductPlus(mv, r, r);
        mv.visitLdcInsn(1f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", "(F)L" + vc + ";", false);
        // times 2^k: k << 23 added to the exponent bits
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "reinterpretAsInts", "()L" + iv + ";", false);
        mv.visitVarInsn(ALOAD, shifted);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "reinterpretAsInts", "()L" + iv + ";", false);
        mv.visitFieldInsn(GETSTATIC, OPS, "LSHL", "L" + OPS + "$Binary;");
        mv.visitIntInsn(BIPUSH, 23);
        mv.visitMethodInsn(INVOKEVIRTUAL, iv, "lanewise", "(L" + OPS + "$Binary;I)L" + iv + ";", false);
        mv.visitMethodInsn(INVOKEVIRTUAL, iv, "add", "(L" + VEC + "Vector;)L" + iv + ";", false);
        mv.visitMethodInsn(INVOKEVIRTUAL, iv, "reinterpretAsFloats", "()L" + vc + ";", false);
        // a vector with a lane outside the fast path's range takes the library routine
        libraryOutside(mv, x, EXP_CENTER, EXP_HALF_WIDTH, "EXP");
    }

    /**
     * Stack: [] -> [r]. Stores {@code shifted = x·scale + 1.5·2^23} (the rounded quotient in its low
     * mantissa bits) and {@code q = shifted - 1.5·2^23} (the quotient rounded to an integer), and
     * leaves {@code r = x - q·(parts[0] + parts[1] + …)}, one fused multiply-add per part.
     */
    private static void reduce(MethodVisitor mv, String owner, int x, int shifted, int q, float scale, float[] parts) {
        reduce(mv, owner, x, shifted, q, scale, 0, parts);
    }

    /**
     * As above with the quotient rounded from {@code x·scale + offset} and {@code q - offset}
     * stored as q (exact for offset ½): r = x - (q - offset)·(parts…).
     */
    private static void reduce(MethodVisitor mv, String owner, int x, int shifted, int q, float scale, float offset, float[] parts) {
        String vc = VEC + "FloatVector", vv = "(L" + VEC + "Vector;L" + VEC + "Vector;)L" + vc + ";";
        mv.visitVarInsn(ALOAD, x);
        mv.visitLdcInsn(scale);
        if (offset != 0) {
            mv.visitLdcInsn(offset);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "fma", "(FF)L" + vc + ";", false);
            mv.visitLdcInsn(ROUNDER);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", "(F)L" + vc + ";", false);
        } else {
            mv.visitLdcInsn(ROUNDER);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "fma", "(FF)L" + vc + ";", false);
        }
        mv.visitInsn(DUP);
        mv.visitVarInsn(ASTORE, shifted);
        mv.visitLdcInsn(ROUNDER);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "sub", "(F)L" + vc + ";", false);
        if (offset != 0) {
            mv.visitLdcInsn(offset);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "sub", "(F)L" + vc + ";", false);
        }
        mv.visitVarInsn(ASTORE, q);
        mv.visitVarInsn(ALOAD, x);
        for (float part : parts) {
            // [r] -> [q·(-part) + r]
            mv.visitVarInsn(ALOAD, q);
            mv.visitInsn(SWAP);
            broadcastConst(mv, owner, DType.F32, -part);
            mv.visitInsn(SWAP);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "fma", vv, false);
        }
    }

    /** Stack: [] -> [Σ c[i] tⁱ] for the f32 vector in local {@code t}, by Horner's rule in fused multiply-adds (c has 3+ terms). */
    private static void fusedHorner(MethodVisitor mv, String owner, int t, float[] c) {
        String vc = VEC + "FloatVector", vv = "(L" + VEC + "Vector;L" + VEC + "Vector;)L" + vc + ";";
        int last = c.length - 1;
        mv.visitVarInsn(ALOAD, t);
        mv.visitLdcInsn(c[last]);
        mv.visitLdcInsn(c[last - 1]);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "fma", "(FF)L" + vc + ";", false);
        for (int i = last - 2; i >= 0; i--) {
            mv.visitVarInsn(ALOAD, t);
            broadcastConst(mv, owner, DType.F32, c[i]);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "fma", vv, false);
        }
    }

    /** Stack: [p] -> [(u·w)·p + u] for the f32 vectors in locals u and w (one multiply, one fused multiply-add). */
    private static void timesProductPlus(MethodVisitor mv, int u, int w) {
        String vc = VEC + "FloatVector";
        mv.visitVarInsn(ALOAD, u);
        mv.visitVarInsn(ALOAD, w);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", "(L" + VEC + "Vector;)L" + vc + ";", false);
        mv.visitInsn(SWAP);
        mv.visitVarInsn(ALOAD, u);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "fma", "(L" + VEC + "Vector;L" + VEC + "Vector;)L" + vc + ";", false);
    }

    /**
     * Stack: [fast] -> [fast, or lanewise(operator) of x for a vector with a lane where
     * |x - center| > halfWidth]. One compare and test per vector; the branch is almost never taken.
     */
    private static void libraryOutside(MethodVisitor mv, int x, float center, float halfWidth, String operator) {
        String vc = VEC + "FloatVector", mask = VEC + "VectorMask";
        mv.visitVarInsn(ALOAD, x);
        if (center != 0) {
            mv.visitLdcInsn(center);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "sub", "(F)L" + vc + ";", false);
        }
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "abs", "()L" + vc + ";", false);
        mv.visitFieldInsn(GETSTATIC, OPS, "GT", "L" + OPS + "$Comparison;");
        mv.visitLdcInsn(halfWidth);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "compare", "(L" + OPS + "$Comparison;F)L" + mask + ";", false);
        mv.visitMethodInsn(INVOKEVIRTUAL, mask, "anyTrue", "()Z", false);
        org.objectweb.asm.Label done = new org.objectweb.asm.Label();
        mv.visitJumpInsn(IFEQ, done);
        mv.visitInsn(POP);
        mv.visitVarInsn(ALOAD, x);
        lanewise(mv, vc, operator);
        mv.visitLabel(done);
    }

    /** π as three f32 parts, each at most what it stands for (so every part is positive). */
    private static final float PI_A = Math.nextDown((float) Math.PI), PI_B = below(Math.PI - PI_A), PI_C = remainderOfPi(PI_A, PI_B);
    /** sin r ≈ r + r³ S(r²) on |r| ≤ π/2: a weighted least-squares fit, within 1.7 ulp when evaluated in f32. */
    private static final float[] SIN_S = {-0.16666659712791443f, 0.008333075791597366f, -0.00019810200319625437f, 2.606965608720202e-06f};
    /** 1.5·2^23: adding it rounds an f32 below 2^22 in magnitude to an integer, which its low mantissa bits then hold. */
    private static final float ROUNDER = 12582912f;
    /** Lanes beyond this magnitude take the library routine: the three-part reduction loses accuracy beyond it. */
    static final float SIN_REDUCTION_LIMIT = 8192f;

    /**
     * π - a - b from π to 40 digits: {@code Math.PI} itself is 1.2e-16 off, which j·π would carry
     * into r (2e-14 at j = 161, 20 ulp of sin near 161π).
     */
    private static float remainderOfPi(float a, float b) {
        return new java.math.BigDecimal("3.141592653589793238462643383279502884197")
                .subtract(new java.math.BigDecimal(a)).subtract(new java.math.BigDecimal(b)).floatValue();
    }

    private static float below(double v) {
        float f = (float) v;
        return f > v ? Math.nextDown(f) : f;
    }

    /**
     * [x] -> sin(x) for f32 vectors: x = jπ + r with j the nearest integer to x/π and |r| ≤ π/2
     * (three fused multiply-adds), then sin x = (-1)^j sin r: a polynomial in |r| gives |sin r|,
     * and the sign is r's flipped by j's low bit (so sin(-0) = -0).
     * Within 2 ulp of {@code Math.sin} for |x| ≤ 8192; a vector with a larger lane (or an
     * infinity) takes {@code lanewise(SIN)} instead. About 2.8× faster here than the library
     * routine (0.35 vs 0.97 ns per element), which every vector calls out to.
     */
    private static void sinF32(MethodVisitor mv, String owner, java.util.function.IntSupplier newLocal, boolean cos) {
        String vc = VEC + "FloatVector", iv = VEC + "IntVector";
        String v = "(L" + VEC + "Vector;)L" + vc + ";";
        int x = newLocal.getAsInt(), shifted = newLocal.getAsInt(), j = newLocal.getAsInt(), r = newLocal.getAsInt(), a = newLocal.getAsInt(), r2 = newLocal.getAsInt();
        mv.visitVarInsn(ASTORE, x);
        // sin: j = x/π rounded (in shifted's low bits too), r = x - j·π, sin x = (-1)^j sin r;
        // cos: j = (x/π + ½) rounded, r = x - (j - ½)·π, cos x = sin(x + π/2) = (-1)^j sin r
        reduce(mv, owner, x, shifted, j, (float) (1 / Math.PI), cos ? 0.5f : 0, new float[] {PI_A, PI_B, PI_C});
        // a = |r|, so the polynomial gives |sin r| and the sign is set once, also on zeros
        mv.visitInsn(DUP);
        mv.visitVarInsn(ASTORE, r);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "abs", "()L" + vc + ";", false);
        mv.visitInsn(DUP);
        mv.visitVarInsn(ASTORE, a);
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", v, false);
        mv.visitVarInsn(ASTORE, r2);
        // S(a²) by Horner's rule in fused steps, then |sin r| = (a·a²)·S + a
        fusedHorner(mv, owner, r2, SIN_S);
        timesProductPlus(mv, a, r2);
        // sign: r's, flipped where j is odd (j's low bit shifted into the sign bit)
        String binary = "(L" + OPS + "$Binary;L" + VEC + "Vector;)L" + iv + ";", binaryInt = "(L" + OPS + "$Binary;I)L" + iv + ";";
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "reinterpretAsInts", "()L" + iv + ";", false);
        mv.visitFieldInsn(GETSTATIC, OPS, "XOR", "L" + OPS + "$Associative;");
        mv.visitVarInsn(ALOAD, r);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "reinterpretAsInts", "()L" + iv + ";", false);
        mv.visitFieldInsn(GETSTATIC, OPS, "XOR", "L" + OPS + "$Associative;");
        mv.visitVarInsn(ALOAD, shifted);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "reinterpretAsInts", "()L" + iv + ";", false);
        mv.visitFieldInsn(GETSTATIC, OPS, "LSHL", "L" + OPS + "$Binary;");
        mv.visitIntInsn(BIPUSH, 31);
        mv.visitMethodInsn(INVOKEVIRTUAL, iv, "lanewise", binaryInt, false);
        mv.visitMethodInsn(INVOKEVIRTUAL, iv, "lanewise", binary, false);
        mv.visitFieldInsn(GETSTATIC, OPS, "AND", "L" + OPS + "$Associative;");
        mv.visitLdcInsn(Integer.MIN_VALUE);
        mv.visitMethodInsn(INVOKEVIRTUAL, iv, "lanewise", binaryInt, false);
        mv.visitMethodInsn(INVOKEVIRTUAL, iv, "lanewise", binary, false);
        mv.visitMethodInsn(INVOKEVIRTUAL, iv, "reinterpretAsFloats", "()L" + vc + ";", false);
        // a vector with a lane beyond the reduction's range (or an infinity) takes the library routine
        libraryOutside(mv, x, 0, SIN_REDUCTION_LIMIT, cos ? "COS" : "SIN");
    }

    /** [t, t] -> [t, Σ c[i] tⁱ] by Horner's rule in f32 (multiply, then add). */
    private static void horner(MethodVisitor mv, float[] c) {
        String vc = VEC + "FloatVector", f = "(F)L" + vc + ";";
        mv.visitLdcInsn(c[c.length - 1]);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", f, false);
        for (int i = c.length - 2; i >= 1; i--) {
            mv.visitLdcInsn(c[i]);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", f, false);
            mv.visitInsn(SWAP);
            mv.visitInsn(DUP_X1);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", "(L" + VEC + "Vector;)L" + vc + ";", false);
        }
        mv.visitLdcInsn(c[0]);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", f, false);
    }

    private static void lanewise(MethodVisitor mv, String vc, String operator) {
        mv.visitFieldInsn(GETSTATIC, OPS, operator, "L" + OPS + "$Unary;");
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "lanewise", "(L" + OPS + "$Unary;)L" + vc + ";", false);
    }

    /** [a, b] -> a op b. */
    static void binary(MethodVisitor mv, Primitive op, DType t) {
        String vc = vectorClass(t);
        String vv = "(L" + VEC + "Vector;)L" + vc + ";";
        switch (op) {
            case ADD -> mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", vv, false);
            case SUB -> mv.visitMethodInsn(INVOKEVIRTUAL, vc, "sub", vv, false);
            case MUL -> mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", vv, false);
            case DIV -> mv.visitMethodInsn(INVOKEVIRTUAL, vc, "div", vv, false);
            case MAX -> mv.visitMethodInsn(INVOKEVIRTUAL, vc, "max", vv, false);
            case MIN -> mv.visitMethodInsn(INVOKEVIRTUAL, vc, "min", vv, false);
            case ATAN2 -> {
                mv.visitFieldInsn(GETSTATIC, OPS, "ATAN2", "L" + OPS + "$Binary;");
                mv.visitInsn(SWAP);
                mv.visitMethodInsn(INVOKEVIRTUAL, vc, "lanewise", "(L" + OPS + "$Binary;L" + VEC + "Vector;)L" + vc + ";", false);
            }
            default -> throw new IllegalArgumentException(op.toString());
        }
    }

    /** [a, b] -> mask of a op b. */
    static void compare(MethodVisitor mv, Primitive op, DType t) {
        String vc = vectorClass(t);
        mv.visitFieldInsn(GETSTATIC, OPS, op.name(), "L" + OPS + "$Comparison;");
        mv.visitInsn(SWAP);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "compare", "(L" + OPS + "$Comparison;L" + VEC + "Vector;)L" + VEC + "VectorMask;", false);
    }

    /** [acc, v] -> combine(acc, v) for sum, max, min. */
    static void combine(MethodVisitor mv, Primitive monoid, DType t) {
        binary(mv, switch (monoid) {
            case REDUCE_SUM -> Primitive.ADD;
            case REDUCE_MAX -> Primitive.MAX;
            case REDUCE_MIN -> Primitive.MIN;
            default -> throw new IllegalArgumentException(monoid.toString());
        }, t);
    }

    /** [v] -> scalar reduction of its lanes. */
    static void reduceLanes(MethodVisitor mv, Primitive monoid, DType t) {
        String operator = switch (monoid) {
            case REDUCE_SUM -> "ADD";
            case REDUCE_MAX -> "MAX";
            case REDUCE_MIN -> "MIN";
            default -> throw new IllegalArgumentException(monoid.toString());
        };
        mv.visitFieldInsn(GETSTATIC, OPS, operator, "L" + OPS + "$Associative;");
        mv.visitMethodInsn(INVOKEVIRTUAL, vectorClass(t), "reduceLanes", "(L" + OPS + "$Associative;)" + scalarDesc(t), false);
    }

    static void broadcastConst(MethodVisitor mv, String owner, DType t, double v) {
        mv.visitFieldInsn(GETSTATIC, owner, speciesField(t), "L" + VEC + "VectorSpecies;");
        pushScalar(mv, t, v);
        broadcastFromStack(mv, t);
    }

    /** [species, scalar] -> vector. */
    static void broadcastFromStack(MethodVisitor mv, DType t) {
        String vc = vectorClass(t);
        mv.visitMethodInsn(INVOKESTATIC, vc, "broadcast", "(L" + VEC + "VectorSpecies;" + scalarDesc(t) + ")L" + vc + ";", false);
    }

    private static void pushScalar(MethodVisitor mv, DType t, double v) {
        if (t == DType.F32) mv.visitLdcInsn((float) v); else mv.visitLdcInsn(v);
    }
}
