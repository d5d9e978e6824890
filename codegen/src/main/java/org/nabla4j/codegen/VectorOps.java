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

    /** Emits op(x); {@code operand} pushes x (called once, possibly after pushing constants). */
    static void unary(MethodVisitor mv, String owner, Primitive op, DType t, Runnable operand) {
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
            default -> {
                operand.run();
                lanewise(mv, vc, op.name());
            }
        }
    }

    /**
     * [x] -> tanh(x) for f32 vectors, about 1.5× faster than {@code lanewise(TANH)} here and
     * within 3 ulp of {@code Math.tanh}: (e - 1) / (e + 1) with e = exp(2x), x clamped to ±9
     * (where tanh is ±1 in f32); below |x| = 0.25, where that formula cancels, the series
     * x (1 - x²/3 + 2x⁴/15 - 17x⁶/315 + 62x⁸/2835), whose first omitted term is below 1e-8
     * relative. Written on the operand stack, so no helper method has to be inlined.
     */
    private static void tanhF32(MethodVisitor mv) {
        String vc = VEC + "FloatVector", v = "(L" + VEC + "Vector;)L" + vc + ";", f = "(F)L" + vc + ";";
        // [x] -> [mask, x] with mask = |x| < 0.25
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "abs", "()L" + vc + ";", false);
        mv.visitFieldInsn(GETSTATIC, OPS, "LT", "L" + OPS + "$Comparison;");
        mv.visitLdcInsn(0.25f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "compare", "(L" + OPS + "$Comparison;F)L" + VEC + "VectorMask;", false);
        mv.visitInsn(SWAP);
        // [mask, x] -> [mask, x, big] with big = (e - 1) / (e + 1), e = exp(2 clamp(x))
        mv.visitInsn(DUP);
        mv.visitLdcInsn(-9f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "max", f, false);
        mv.visitLdcInsn(9f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "min", f, false);
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", v, false);
        lanewise(mv, vc, "EXP");
        mv.visitInsn(DUP);
        mv.visitLdcInsn(1f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "sub", f, false);
        mv.visitInsn(SWAP);
        mv.visitLdcInsn(1f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", f, false);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "div", v, false);
        // [mask, x, big] -> [mask, big, series(x)]
        mv.visitInsn(SWAP);
        mv.visitInsn(DUP);
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", v, false); // [.., x, t = x²]
        mv.visitInsn(DUP);
        mv.visitLdcInsn(62f / 2835f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", f, false); // [.., x, t, q]
        for (float c : new float[] {-17f / 315f, 2f / 15f, -1f / 3f}) {
            mv.visitLdcInsn(c);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", f, false);
            mv.visitInsn(SWAP);
            mv.visitInsn(DUP_X1);
            mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", v, false); // [.., x, t, q·t]
        }
        mv.visitInsn(SWAP);
        mv.visitInsn(POP);
        // x (1 + q), not x + x q, so that tanh(-0) = -0
        mv.visitLdcInsn(1f);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "add", f, false);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "mul", v, false);
        // [mask, big, p] -> [big, p, mask] -> big.blend(p, mask)
        mv.visitInsn(DUP2_X1);
        mv.visitInsn(POP2);
        mv.visitMethodInsn(INVOKEVIRTUAL, vc, "blend", "(L" + VEC + "Vector;L" + VEC + "VectorMask;)L" + vc + ";", false);
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
