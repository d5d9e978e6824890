package org.nabla4j.codegen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nabla4j.DType;
import org.nabla4j.ir.Primitive;

/**
 * The per-element expression a fused loop computes: a tree over loads from buffers and literals.
 * Each node knows its dtype. Loads address their buffer with an {@link Access} over the loop's
 * iteration space.
 */
sealed interface LoopExpr {
    DType dtype();

    /** The loads of an expression tree, in order (with repeats). */
    static List<Load> loads(LoopExpr e) {
        List<Load> out = new ArrayList<>();
        addLoads(e, out);
        return out;
    }

    /** The expression with every load's slot mapped by {@code f}. */
    static LoopExpr renameSlots(LoopExpr e, java.util.function.IntUnaryOperator f) {
        return switch (e) {
            case Load l -> new Load(f.applyAsInt(l.slot()), l.access(), l.dtype());
            case Const c -> c;
            case Unary u -> new Unary(u.op(), renameSlots(u.x(), f), u.dtype());
            case Binary b -> new Binary(b.op(), renameSlots(b.a(), f), renameSlots(b.b(), f), b.dtype());
            case Select s -> new Select(renameSlots(s.pred(), f), renameSlots(s.onFalse(), f), renameSlots(s.onTrue(), f), s.dtype());
        };
    }

    private static void addLoads(LoopExpr e, List<Load> out) {
        switch (e) {
            case Load l -> out.add(l);
            case Const c -> { }
            case Unary u -> addLoads(u.x(), out);
            case Binary b -> { addLoads(b.a(), out); addLoads(b.b(), out); }
            case Select s -> { addLoads(s.pred(), out); addLoads(s.onFalse(), out); addLoads(s.onTrue(), out); }
        }
    }

    /** Element {@code offset + Σ index[d] * strides[d]} of the buffer in slot {@code slot}. */
    record Load(int slot, Access access, DType dtype) implements LoopExpr {}

    record Const(double value, DType dtype) implements LoopExpr {}

    /** An elementwise unary primitive (including convert_element_type, whose dtype is the target). */
    record Unary(Primitive op, LoopExpr x, DType dtype) implements LoopExpr {}

    record Binary(Primitive op, LoopExpr a, LoopExpr b, DType dtype) implements LoopExpr {}

    /** select_n with a bool predicate: onTrue where pred, else onFalse. */
    record Select(LoopExpr pred, LoopExpr onFalse, LoopExpr onTrue, DType dtype) implements LoopExpr {}

    /** How a load walks its buffer: a start offset and one stride per loop dimension (0 = broadcast). */
    record Access(int offset, int[] strides) {
        public Access {
            strides = strides.clone();
        }

        static Access rowMajor(int[] shape) {
            int[] s = new int[shape.length];
            int acc = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                s[i] = acc;
                acc *= shape[i];
            }
            return new Access(0, s);
        }

        /** Row-major over {@code shape}; the stride of a size-1 axis does not matter, as it is never stepped. */
        boolean isContiguousFor(int[] shape) {
            int[] rm = rowMajor(shape).strides;
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] != 1 && strides[d] != rm[d]) return false;
            }
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Access a && a.offset == offset && Arrays.equals(a.strides, strides);
        }

        @Override
        public int hashCode() { return offset * 31 + Arrays.hashCode(strides); }

        @Override
        public String toString() { return offset + "+" + Arrays.toString(strides); }
    }
}
