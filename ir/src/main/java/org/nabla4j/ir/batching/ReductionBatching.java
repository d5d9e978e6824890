package org.nabla4j.ir.batching;

import static org.nabla4j.ir.batching.BatchingRules.define;
import static org.nabla4j.ir.batching.BatchingRules.define1;

import java.util.List;
import java.util.stream.IntStream;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Axes;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;

/** Reductions, scans, contraction and sorting: the batch axis is never reduced, so axes shift around it. */
final class ReductionBatching {
    private ReductionBatching() {}

    static void register() {
        for (Primitive p : List.of(Primitive.REDUCE_SUM, Primitive.REDUCE_MAX, Primitive.REDUCE_MIN, Primitive.REDUCE_PROD)) {
            define1(p, (b, params, in) -> {
                Batched x = in.getFirst();
                int[] axes = params.getInts("axes");
                Atom out = b.e().op(p, Params.of("axes", Batcher.shiftAll(axes, x.dim())), x.atom());
                return new Batched(out, x.dim() - Batcher.countBelow(axes, x.dim()));
            });
        }

        for (Primitive p : List.of(Primitive.ARGMAX, Primitive.ARGMIN)) {
            define1(p, (b, params, in) -> {
                Batched x = in.getFirst();
                int axis = params.getInt("axis");
                Atom out = b.e().op(p, params.with("axis", Batcher.shift(axis, x.dim())), x.atom());
                return new Batched(out, axis < x.dim() ? x.dim() - 1 : x.dim());
            });
        }

        define1(Primitive.CUMSUM, (b, params, in) -> {
            Batched x = in.getFirst();
            Params p = params.with("axis", Batcher.shift(params.getInt("axis"), x.dim()));
            return new Batched(b.e().op(Primitive.CUMSUM, p, x.atom()), x.dim());
        });

        // Both mapped: one more batch dimension, leading the result. One mapped: its batch axis is
        // one more free axis, and the result keeps it among that side's free axes.
        define1(Primitive.DOT_GENERAL, (b, params, in) -> {
            Batched l = in.get(0), r = in.get(1);
            int[] lc = params.getInts("lhs_contract"), rc = params.getInts("rhs_contract");
            int[] lb = params.getInts("lhs_batch"), rb = params.getInts("rhs_batch");
            int[] lc2 = shiftIfMapped(lc, l), rc2 = shiftIfMapped(rc, r), lb2 = shiftIfMapped(lb, l), rb2 = shiftIfMapped(rb, r);
            int outDim;
            if (l.isMapped() && r.isMapped()) {
                lb2 = Batcher.insert(lb2, 0, l.dim());
                rb2 = Batcher.insert(rb2, 0, r.dim());
                outDim = 0;
            } else if (l.isMapped()) {
                outDim = lb.length + indexOf(Axes.complement(b.e().shape(l.atom()).rank(), lc2, lb2), l.dim());
            } else {
                int lhsFree = b.e().shape(l.atom()).rank() - lc.length - lb.length;
                outDim = lb.length + lhsFree + indexOf(Axes.complement(b.e().shape(r.atom()).rank(), rc2, rb2), r.dim());
            }
            return new Batched(b.e().dot(l.atom(), r.atom(), lc2, rc2, lb2, rb2), outDim);
        });

        define(Primitive.SORT, (b, params, in) -> {
            int d = Batcher.firstMappedDim(in);
            Params p = params.with("dimension", Batcher.shift(params.getInt("dimension"), d));
            return b.e().ops(Primitive.SORT, p, b.materializeAll(in, d)).stream().map(v -> new Batched(v, d)).toList();
        });
    }

    private static int[] shiftIfMapped(int[] axes, Batched x) {
        return x.isMapped() ? Batcher.shiftAll(axes, x.dim()) : axes;
    }

    /** The free (neither contracting nor batch) axes of a dot_general operand, in order. */

    private static int indexOf(int[] xs, int v) {
        return IntStream.range(0, xs.length).filter(i -> xs[i] == v).findFirst().orElseThrow();
    }
}
