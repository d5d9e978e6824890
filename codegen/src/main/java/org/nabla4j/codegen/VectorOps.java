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
     * {@code newLocal} hands out a fresh local variable for a vector that the lowering reuses.
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
            case SIN, COS -> {
                operand.run();
                if (t == DType.F32) sinCosF32(mv, owner, op == Primitive.COS, newLocal);
                else lanewise(mv, vc, op.name());
            }
            case TANH -> {
                operand.run();
                if (t == DType.F32) tanhF32(mv);
                else lanewise(mv, vc, "TANH");
            }
            default -> {
                operand.run();
                lanewise(mv, vc, op.name());
            }
        }
    }

    /** π/2 as three f32 parts, each term of the reduction {@code x - j·π/2} exact in a fused multiply-add. */
    private static final float HALF_PI_1 = (float) (Math.PI / 2), HALF_PI_2 = (float) (Math.PI / 2 - HALF_PI_1),
            HALF_PI_3 = (float) (Math.PI / 2 - HALF_PI_1 - (double) HALF_PI_2);
    /** sin r ≈ r (1 + r² S(r²)) and cos r ≈ 1 - r²/2 + r⁴ C(r²) on |r| ≤ π/4: fits with relative error 4e-9 and 1e-10. */
    private static final float[] SIN_S = {-0.16666655f, 0.008332161f, -0.00019515397f};
    private static final float[] COS_C = {0.041666646f, -0.0013887316f, 2.443322e-05f};
    /** 1.5·2^23: adding it rounds an f32 of magnitude below 2^22 to an integer, which its low mantissa bits then hold. */
    private static final float ROUNDER = 12582912f;
    /** Lanes beyond this magnitude take the library routine (the three-part reduction loses accuracy beyond it). */
    private static final float SIN_REDUCTION_LIMIT = 8192f;

    /**
     * [x] -> sin(x) or cos(x) for f32 vectors: x reduced by the nearest multiple j of π/2 (three
     * fused multiply-adds), a polynomial for sin or cos of the remainder chosen and signed by j's
     * low bits. Within 2 ulp of {@code Math.sin}/{@code Math.cos} for |x| ≤ 8192; a vector with a
     * larger lane (or an infinity) takes {@code lanewise(SIN/COS)} for those lanes. Faster than the
     * library routine, whose call each vector pays.
     */
    private static void sinCosF32(MethodVisitor mv, String owner, boolean cos, java.util.function.IntSupplier newLocal) {
        String vc = VEC + "FloatVector", iv = VEC + "IntVector", mask = VEC + "VectorMask";
        String v = "(L" + VEC + "Vector;)L" + vc + ";", f = "(F)L" + vc + ";", fma = "(L" + VEC + "Vector;L" + VEC + "Vector;)L" + vc + ";";
        int x = newLocal.getAsInt(), shifted = newLocal.getAsInt(), j = newLocal.getAsInt(), r = newLocal.getAsInt(), r2 = newLocal.getAsInt();
        mv.visitVarInsn(ASTORE, x);
        // shifted = x·2/π + 1.5·2^23; j = shifted - 1.5·2^23 (x/(π/2) rounded to an integer)
        mv.visitVarInsn(ALOAD, x);
        mv.visitLdcInsn((float) (2 / Math.PI));
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", f, false);
        mv.visitLdcInsn(ROUNDER);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", f, false);
        mv.visitInsn(DUP);
        mv.visitVarInsn(ASTORE, shifted);
        mv.visitLdcInsn(ROUNDER);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "sub", f, false);
        mv.visitVarInsn(ASTORE, j);
        // r = x - j·π/2 in three fused steps
        mv.visitVarInsn(ALOAD, x);
        for (float part : new float[] {HALF_PI_1, HALF_PI_2, HALF_PI_3}) {
            mv.visitVarInsn(ASTORE, r);
            mv.visitVarInsn(ALOAD, j);
            broadcastConst(mv, owner, DType.F32, -part);
            mv.visitVarInsn(ALOAD, r);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "fma", fma, false);
        }
        mv.visitInsn(DUP);
        mv.visitVarInsn(ASTORE, r);
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", v, false);
        mv.visitVarInsn(ASTORE, r2);
        // sin r = r·(1 + r²·S(r²))
        mv.visitVarInsn(ALOAD, r);
        mv.visitVarInsn(ALOAD, r2);
        mv.visitInsn(DUP);
        horner(mv, new float[] {0, SIN_S[0], SIN_S[1], SIN_S[2]}); // [r, r2, r²·S(r²)]  (the 0 term adds nothing)
        mv.visitInsn(SWAP);
        mv.visitInsn(POP);
        mv.visitLdcInsn(1f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", f, false);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", v, false); // [sin]
        // cos r = (1 - r²/2) + r⁴·C(r²)
        mv.visitVarInsn(ALOAD, r2);
        mv.visitLdcInsn(-0.5f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", f, false);
        mv.visitLdcInsn(1f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", f, false);
        mv.visitVarInsn(ALOAD, r2);
        mv.visitInsn(DUP);
        horner(mv, new float[] {0, COS_C[0], COS_C[1], COS_C[2]}); // [.., 1-r²/2, r2, r²·C(r²)]
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", v, false); // r⁴·C(r²)
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", v, false); // [sin, cos]
        // quadrant q = j (+1 for cos) from shifted's low bits: odd -> the other polynomial, bit 1 -> negate
        mv.visitVarInsn(ALOAD, shifted);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "reinterpretAsInts", "()L" + iv + ";", false);
        if (cos) {
            mv.visitLdcInsn(1);
            mv.visitMethodInsn(INVOKEVIRTUAL, iv, "add", "(I)L" + iv + ";", false);
        }
        mv.visitVarInsn(ASTORE, j); // (j's local now holds the quadrant bits)
        quadrantMask(mv, owner, j, 1);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "blend", "(L" + VEC + "Vector;L" + mask + ";)L" + vc + ";", false); // [odd ? cos : sin]
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "neg", "()L" + vc + ";", false);
        quadrantMask(mv, owner, j, 2);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "blend", "(L" + VEC + "Vector;L" + mask + ";)L" + vc + ";", false);
        if (!cos) {
            // sin(±0) = ±0: the reduction's later steps add +0 to a -0 remainder
            mv.visitVarInsn(ALOAD, x);
            mv.visitVarInsn(ALOAD, x);
            mv.visitFieldInsn(GETSTATIC, OPS, "EQ", "L" + OPS + "$Comparison;");
            mv.visitInsn(FCONST_0);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "compare", "(L" + OPS + "$Comparison;F)L" + mask + ";", false);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "blend", "(L" + VEC + "Vector;L" + mask + ";)L" + vc + ";", false);
        }
        // lanes beyond the reduction's range (and infinities) take the library routine
        mv.visitVarInsn(ALOAD, x);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "abs", "()L" + vc + ";", false);
        mv.visitFieldInsn(GETSTATIC, OPS, "GT", "L" + OPS + "$Comparison;");
        mv.visitLdcInsn(SIN_REDUCTION_LIMIT);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "compare", "(L" + OPS + "$Comparison;F)L" + mask + ";", false);
        mv.visitVarInsn(ASTORE, shifted); // (shifted's local now holds the mask)
        mv.visitVarInsn(ALOAD, shifted);
        mv.visitMethodInsn(INVOKEVIRTUAL, mask, "anyTrue", "()Z", false);
        org.objectweb.asm.Label done = new org.objectweb.asm.Label();
        mv.visitJumpInsn(IFEQ, done);
        mv.visitVarInsn(ALOAD, x);
        lanewise(mv, vc, cos ? "COS" : "SIN");
        mv.visitVarInsn(ALOAD, shifted);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "blend", "(L" + VEC + "Vector;L" + mask + ";)L" + vc + ";", false);
        mv.visitLabel(done);
    }

    /** Pushes the f32 lane mask of {@code (q & bit) != 0} for the int vector in local {@code q}. */
    private static void quadrantMask(MethodVisitor mv, String owner, int q, int bit) {
        String iv = VEC + "IntVector", mask = VEC + "VectorMask";
        mv.visitVarInsn(ALOAD, q);
        mv.visitLdcInsn(bit);
        mv.visitMethodInsn(INVOKEVIRTUAL, iv, "and", "(I)L" + iv + ";", false);
        mv.visitFieldInsn(GETSTATIC, OPS, "NE", "L" + OPS + "$Comparison;");
        mv.visitInsn(ICONST_0);
        mv.visitMethodInsn(INVOKEVIRTUAL, iv, "compare", "(L" + OPS + "$Comparison;I)L" + mask + ";", false);
        mv.visitFieldInsn(GETSTATIC, owner, "FS", "L" + VEC + "VectorSpecies;");
        mv.visitMethodInsn(INVOKEVIRTUAL, mask, "cast", "(L" + VEC + "VectorSpecies;)L" + mask + ";", false);
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
