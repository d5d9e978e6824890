package org.nabla4j.ir.batching;

import static org.nabla4j.ir.batching.BatchingRules.define1;

import java.util.ArrayList;
import java.util.List;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Shape;

/** Elementwise primitives: operands agree on one batch axis; unmapped scalars stay scalars. */
final class ElementwiseBatching {
    private ElementwiseBatching() {}

    static void register() {
        for (Primitive p : Primitive.values()) {
            // Unary ops (including convert_element_type and stop_gradient) act on each element where it is.
            if (p.kind() == Primitive.Kind.UNARY) {
                define1(p, (b, params, in) -> new Batched(b.e().op(p, params, in.getFirst().atom()), in.getFirst().dim()));
            }
            // The IR broadcasts rank-0 operands of binary ops, so an unmapped scalar needs no broadcast.
            if (p.kind() == Primitive.Kind.BINARY) {
                define1(p, (b, params, in) -> elementwise(b, p, params, in, true));
            }
        }
        // Only the predicate may be a scalar: the cases must all have the result's type.
        define1(Primitive.SELECT_N, (b, params, in) -> elementwise(b, Primitive.SELECT_N, params, in, false));
    }

    /**
     * Brings the operands to one batched shape with the batch axis where the first full-rank mapped
     * operand has it. A mapped operand that is a scalar per element ({@code [B]}) is broadcast
     * along the other axes; an unmapped scalar stays rank 0 where the primitive allows it.
     */
    private static Batched elementwise(Batcher b, Primitive p, Params params, List<Batched> in, boolean scalarsStay) {
        Shape out = Shape.SCALAR;
        for (Batched x : in) {
            if (b.unbatchedRank(x) > 0) out = b.unbatchedShape(x);
        }
        int rank = out.rank();
        int dim = in.stream().filter(x -> x.isMapped() && b.unbatchedRank(x) == rank).findFirst().map(Batched::dim).orElse(0);
        Shape batched = Batcher.insert(out, dim, b.size());
        List<Atom> ops = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            Batched x = in.get(i);
            boolean scalar = b.unbatchedRank(x) == 0;
            if (!x.isMapped() && scalar && (scalarsStay || i == 0)) {
                ops.add(x.atom());
            } else if (x.isMapped() && scalar) {
                ops.add(b.e().broadcastInDim(x.atom(), batched, new int[] {dim}));
            } else {
                ops.add(b.materialize(x, dim));
            }
        }
        return new Batched(b.e().op(p, params, ops.toArray(Atom[]::new)), dim);
    }
}
