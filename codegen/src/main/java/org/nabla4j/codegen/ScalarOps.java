package org.nabla4j.codegen;

import static org.objectweb.asm.Opcodes.*;

import org.nabla4j.DType;
import org.nabla4j.ir.Primitive;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Scalar bytecode for the elementwise primitives, matching the interpreter exactly. Values live on
 * the JVM stack as: F32 {@code float}, F64 {@code double}, I32 and I64 {@code long} (I32 results
 * are wrapped to 32 bits after every operation, as the interpreter stores them), BOOL {@code int} 0/1.
 */
final class ScalarOps {
    private static final String MATH = "java/lang/Math";
    private static final String SCALAR_MATH = "org/nabla4j/ir/ScalarMath";

    private ScalarOps() {}

    /** The dtype reductions accumulate in: f64 for floats, i64 for integers (as the interpreter does). */
    static DType accumulator(DType t) {
        return t.isFloating() ? DType.F64 : DType.I64;
    }

    /** Converts a stack value of t to its accumulator type. */
    static void widen(MethodVisitor mv, DType t) {
        if (t == DType.F32) mv.visitInsn(F2D);
    }

    /** Converts an accumulator back to t's stack type. */
    static void narrow(MethodVisitor mv, DType t) {
        if (t == DType.F32) mv.visitInsn(D2F);
        if (t == DType.I32) wrapInt(mv);
    }

    static void load(MethodVisitor mv, DType acc, int local) {
        mv.visitVarInsn(acc == DType.F64 ? DLOAD : LLOAD, local);
    }

    static void store(MethodVisitor mv, DType acc, int local) {
        mv.visitVarInsn(acc == DType.F64 ? DSTORE : LSTORE, local);
    }

    /** Combines two accumulator values with a reduction's monoid. */
    static void combine(MethodVisitor mv, Primitive monoid, DType acc) {
        boolean f = acc == DType.F64;
        switch (monoid) {
            case REDUCE_SUM -> mv.visitInsn(f ? DADD : LADD);
            case REDUCE_PROD -> mv.visitInsn(f ? DMUL : LMUL);
            case REDUCE_MAX -> mv.visitMethodInsn(INVOKESTATIC, MATH, "max", f ? "(DD)D" : "(JJ)J", false);
            case REDUCE_MIN -> mv.visitMethodInsn(INVOKESTATIC, MATH, "min", f ? "(DD)D" : "(JJ)J", false);
            default -> throw new IllegalArgumentException(monoid.toString());
        }
    }

    private static void wrapInt(MethodVisitor mv) {
        mv.visitInsn(L2I);
        mv.visitInsn(I2L);
    }

    /** True when a binary float op is computed through double-valued library calls. */
    static boolean viaDouble(Primitive op) {
        return op == Primitive.POW || op == Primitive.ATAN2;
    }

    static void unary(MethodVisitor mv, Primitive op, DType from, DType to) {
        if (op == Primitive.STOP_GRADIENT) return;
        if (op == Primitive.CONVERT_ELEMENT_TYPE) {
            convert(mv, from, to);
            return;
        }
        switch (from) {
            case F32, F64 -> floatUnary(mv, op, from == DType.F32);
            case I32, I64 -> {
                switch (op) {
                    case NEG -> mv.visitInsn(LNEG);
                    case ABS -> mv.visitMethodInsn(INVOKESTATIC, MATH, "abs", "(J)J", false);
                    case SIGN -> {
                        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "signum", "(J)I", false);
                        mv.visitInsn(I2L);
                    }
                    case NOT -> {
                        mv.visitLdcInsn(-1L);
                        mv.visitInsn(LXOR);
                    }
                    default -> throw new IllegalArgumentException(op + " on " + from);
                }
                if (from == DType.I32) wrapInt(mv);
            }
            case BOOL -> {
                if (op != Primitive.NOT) throw new IllegalArgumentException(op + " on bool");
                mv.visitInsn(ICONST_1);
                mv.visitInsn(IXOR);
            }
        }
    }

    private static void floatUnary(MethodVisitor mv, Primitive op, boolean f32) {
        switch (op) {
            case NEG -> mv.visitInsn(f32 ? FNEG : DNEG);
            case ABS -> mv.visitMethodInsn(INVOKESTATIC, MATH, "abs", f32 ? "(F)F" : "(D)D", false);
            case IS_FINITE -> {
                if (f32) mv.visitInsn(F2D);
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "isFinite", "(D)Z", false);
            }
            default -> {
                if (f32) mv.visitInsn(F2D);
                switch (op) {
                    case EXP -> math(mv, MATH, "exp");
                    case EXP2 -> math(mv, SCALAR_MATH, "exp2");
                    case LOG -> math(mv, MATH, "log");
                    case LOG1P -> math(mv, MATH, "log1p");
                    case EXPM1 -> math(mv, MATH, "expm1");
                    case SIN -> math(mv, MATH, "sin");
                    case COS -> math(mv, MATH, "cos");
                    case TAN -> math(mv, MATH, "tan");
                    case TANH -> math(mv, MATH, "tanh");
                    case LOGISTIC -> math(mv, SCALAR_MATH, "logistic");
                    case SQRT -> math(mv, MATH, "sqrt");
                    case RSQRT -> math(mv, SCALAR_MATH, "rsqrt");
                    case FLOOR -> math(mv, MATH, "floor");
                    case CEIL -> math(mv, MATH, "ceil");
                    case ROUND -> math(mv, MATH, "rint");
                    case SIGN -> math(mv, SCALAR_MATH, "sign");
                    default -> throw new IllegalArgumentException(op + " on floats");
                }
                if (f32) mv.visitInsn(D2F);
            }
        }
    }

    private static void math(MethodVisitor mv, String owner, String name) {
        mv.visitMethodInsn(INVOKESTATIC, owner, name, "(D)D", false);
    }

    /** convert_element_type with the interpreter's C-cast semantics. */
    static void convert(MethodVisitor mv, DType from, DType to) {
        if (from == to) return;
        switch (from) {
            case F32, F64 -> {
                if (from == DType.F32) mv.visitInsn(F2D);
                switch (to) {
                    case F32 -> mv.visitInsn(D2F);
                    case F64 -> { }
                    case I32 -> {
                        mv.visitInsn(D2I);
                        mv.visitInsn(I2L);
                    }
                    case I64 -> mv.visitInsn(D2L);
                    case BOOL -> {
                        mv.visitInsn(DCONST_0);
                        mv.visitInsn(DCMPL);
                        toBool(mv, IFNE);
                    }
                }
            }
            case I32, I64 -> {
                switch (to) {
                    case F32 -> mv.visitInsn(L2F);
                    case F64 -> mv.visitInsn(L2D);
                    case I32 -> wrapInt(mv);
                    case I64 -> { }
                    case BOOL -> {
                        mv.visitInsn(LCONST_0);
                        mv.visitInsn(LCMP);
                        toBool(mv, IFNE);
                    }
                }
            }
            case BOOL -> {
                switch (to) {
                    case F32 -> mv.visitInsn(I2F);
                    case F64 -> mv.visitInsn(I2D);
                    case I32, I64 -> mv.visitInsn(I2L);
                    case BOOL -> { }
                }
            }
        }
    }

    /** A binary op on two stack values of dtype t (for viaDouble ops on F32: two doubles, result float). */
    static void binary(MethodVisitor mv, Primitive op, DType t) {
        if (op.isComparison()) {
            compare(mv, op, t);
            return;
        }
        switch (t) {
            case F32, F64 -> {
                boolean f = t == DType.F32;
                switch (op) {
                    case ADD -> mv.visitInsn(f ? FADD : DADD);
                    case SUB -> mv.visitInsn(f ? FSUB : DSUB);
                    case MUL -> mv.visitInsn(f ? FMUL : DMUL);
                    case DIV -> mv.visitInsn(f ? FDIV : DDIV);
                    case REM -> mv.visitInsn(f ? FREM : DREM);
                    case MAX -> mv.visitMethodInsn(INVOKESTATIC, MATH, "max", f ? "(FF)F" : "(DD)D", false);
                    case MIN -> mv.visitMethodInsn(INVOKESTATIC, MATH, "min", f ? "(FF)F" : "(DD)D", false);
                    case POW -> {
                        mv.visitMethodInsn(INVOKESTATIC, SCALAR_MATH, "pow", "(DD)D", false);
                        if (f) mv.visitInsn(D2F);
                    }
                    case ATAN2 -> {
                        mv.visitMethodInsn(INVOKESTATIC, MATH, "atan2", "(DD)D", false);
                        if (f) mv.visitInsn(D2F);
                    }
                    default -> throw new IllegalArgumentException(op + " on floats");
                }
            }
            case I32, I64 -> {
                switch (op) {
                    case ADD -> mv.visitInsn(LADD);
                    case SUB -> mv.visitInsn(LSUB);
                    case MUL -> mv.visitInsn(LMUL);
                    case DIV -> mv.visitMethodInsn(INVOKESTATIC, SCALAR_MATH, "idiv", "(JJ)J", false);
                    case REM -> mv.visitMethodInsn(INVOKESTATIC, SCALAR_MATH, "irem", "(JJ)J", false);
                    case POW -> mv.visitMethodInsn(INVOKESTATIC, SCALAR_MATH, "intPow", "(JJ)J", false);
                    case MAX -> mv.visitMethodInsn(INVOKESTATIC, MATH, "max", "(JJ)J", false);
                    case MIN -> mv.visitMethodInsn(INVOKESTATIC, MATH, "min", "(JJ)J", false);
                    case AND -> mv.visitInsn(LAND);
                    case OR -> mv.visitInsn(LOR);
                    case XOR -> mv.visitInsn(LXOR);
                    default -> throw new IllegalArgumentException(op + " on integers");
                }
                if (t == DType.I32) wrapInt(mv);
            }
            case BOOL -> {
                switch (op) {
                    case AND -> mv.visitInsn(IAND);
                    case OR -> mv.visitInsn(IOR);
                    case XOR -> mv.visitInsn(IXOR);
                    default -> throw new IllegalArgumentException(op + " on bools");
                }
            }
        }
    }

    /** Comparisons leave 0/1; any comparison with NaN is false except ne. */
    private static void compare(MethodVisitor mv, Primitive op, DType t) {
        if (t == DType.BOOL) {
            toBool(mv, switch (op) {
                case EQ -> IF_ICMPEQ;
                case NE -> IF_ICMPNE;
                case LT -> IF_ICMPLT;
                case LE -> IF_ICMPLE;
                case GT -> IF_ICMPGT;
                default -> IF_ICMPGE;
            });
            return;
        }
        boolean lessFamily = op == Primitive.LT || op == Primitive.LE;
        switch (t) {
            // NaN must make the comparison false: CMPG gives +1 for NaN (fails < and <=), CMPL gives -1 (fails > >= ==).
            case F32 -> mv.visitInsn(lessFamily ? FCMPG : FCMPL);
            case F64 -> mv.visitInsn(lessFamily ? DCMPG : DCMPL);
            default -> mv.visitInsn(LCMP);
        }
        toBool(mv, switch (op) {
            case EQ -> IFEQ;
            case NE -> IFNE;
            case LT -> IFLT;
            case LE -> IFLE;
            case GT -> IFGT;
            default -> IFGE;
        });
    }

    /** Turns a conditional jump into an int 0/1 on the stack. */
    private static void toBool(MethodVisitor mv, int jumpIfTrue) {
        Label yes = new Label(), done = new Label();
        mv.visitJumpInsn(jumpIfTrue, yes);
        mv.visitInsn(ICONST_0);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(yes);
        mv.visitInsn(ICONST_1);
        mv.visitLabel(done);
    }
}
