package org.nabla4j.autodiff;

import java.util.List;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Params;

/**
 * Forward-mode derivative of one primitive. Called after the primal equation was emitted, with
 * its operands {@code x}, their tangents {@code t} ({@code null} = symbolic zero; never all null)
 * and the primal results {@code y}. Returns one tangent per result ({@code null} = zero).
 *
 * <p>Contract: the emitted tangent computation is linear in the non-null tangents: every equation
 * that reads a tangent is one of the linear primitives of {@link TransposeRules}, with tangents
 * only in its linear operand positions. Reverse mode relies on this.
 */
@FunctionalInterface
interface JvpRule {
    List<Atom> apply(Emitter e, Params params, List<Atom> x, List<Atom> t, List<Atom> y);
}
