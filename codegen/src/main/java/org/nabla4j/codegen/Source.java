package org.nabla4j.codegen;

import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Literal;
import org.nabla4j.ir.Tensor;

/**
 * Where a control-flow operand or sub-program output comes from at run time: a slot's buffer, or
 * a literal filled once into an array of the value's size.
 */
record Source(int slot, Object constant) {

    static Source ofSlot(int slot) { return new Source(slot, null); }

    static Source of(Plan.Output output) {
        return switch (output) {
            case Plan.SlotOutput s -> ofSlot(s.slot());
            case Plan.LiteralOutput l -> filled(l.literal(), 1);
        };
    }

    static Source filled(Literal literal, int size) {
        Object one = Tensor.of(literal).data();
        Object array = Tensor.allocate(literal.dtype(), size);
        for (int i = 0; i < size; i++) System.arraycopy(one, 0, array, i, 1);
        return new Source(-1, array);
    }

    /** The buffer to read; callers must not write into it. */
    Object read(Object[] buffers) {
        return constant != null ? constant : buffers[slot];
    }

    /** A buffer the caller may keep: the slot's buffer, or a fresh copy of the constant. */
    Object take(Object[] buffers, AbstractArray type) {
        if (constant == null) return buffers[slot];
        Object copy = Tensor.allocate(type.dtype(), type.shape().size());
        System.arraycopy(constant, 0, copy, 0, type.shape().size());
        return copy;
    }
}
