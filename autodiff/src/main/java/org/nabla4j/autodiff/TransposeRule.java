package org.nabla4j.autodiff;

import java.util.List;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Params;

/**
 * Reverse of one linear primitive. {@code x} holds the operands: known values as atoms and
 * {@code null} at the linear positions (flagged in {@code linear}); {@code types} has every
 * operand's type. {@code ct} is the cotangent of the (single) result, never null. Returns one
 * cotangent per operand: an atom of the operand's type at linear positions ({@code null} = zero),
 * {@code null} elsewhere.
 */
@FunctionalInterface
interface TransposeRule {
    List<Atom> apply(Emitter e, Params params, List<Atom> x, List<AbstractArray> types, boolean[] linear, Atom ct);
}
