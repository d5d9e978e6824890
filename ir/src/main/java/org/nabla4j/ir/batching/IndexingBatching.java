package org.nabla4j.ir.batching;

import static org.nabla4j.ir.batching.BatchingRules.define1;

import java.util.ArrayList;
import java.util.List;
import org.nabla4j.DType;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Shape;

/**
 * Indexing primitives. With unmapped start indices a dynamic slice (or update) stays one, on the
 * batched operand; with mapped starts every batch element reads (or writes) its own block, which
 * becomes one {@code gather} (take-along-axis) per sliced axis, with indices {@code start + iota}.
 */
final class IndexingBatching {
    private IndexingBatching() {}

    static void register() {
        define1(Primitive.DYNAMIC_SLICE, (b, params, in) -> {
            Batched x = in.getFirst();
            List<Batched> starts = in.subList(1, in.size());
            int[] sizes = params.getInts("sizes");
            if (starts.stream().noneMatch(Batched::isMapped)) {
                Params p = Params.of("sizes", Batcher.insert(sizes, x.dim(), b.size()));
                return new Batched(b.e().op(Primitive.DYNAMIC_SLICE, p, withBatchStart(List.of(x.atom()), starts, x.dim())), x.dim());
            }
            return new Batched(sliceByGathers(b, b.materialize(x, 0), b.unbatchedShape(x), sizes, starts), 0);
        });

        // With mapped starts: move the update into place with gathers (like a slice, from the update's
        // point of view), then keep it inside each element's block and x outside. A select, not a
        // scatter_add: the block is replaced, and bool arrays can be updated too.
        define1(Primitive.DYNAMIC_UPDATE_SLICE, (b, params, in) -> {
            List<Batched> starts = in.subList(2, in.size());
            if (starts.stream().noneMatch(Batched::isMapped)) {
                int d = Batcher.firstMappedDim(in);
                Atom[] ops = withBatchStart(b.materializeAll(in.subList(0, 2), d), starts, d);
                return new Batched(b.e().op(Primitive.DYNAMIC_UPDATE_SLICE, Params.EMPTY, ops), d);
            }
            return new Batched(updateBySelect(b, in.get(0), in.get(1), starts), 0);
        });

        // A mapped x keeps its batch axis and indices are broadcast to it. With only the indices
        // mapped, their batch axis is merged into the gathered axis, so x is not copied per element.
        define1(Primitive.GATHER, (b, params, in) -> {
            Batched x = in.get(0), idx = in.get(1);
            int axis = params.getInt("axis");
            Emitter e = b.e();
            if (x.isMapped()) {
                Atom out = e.op(Primitive.GATHER, Params.of("axis", Batcher.shift(axis, x.dim())), x.atom(), b.materialize(idx, x.dim()));
                return new Batched(out, x.dim());
            }
            Atom i = b.moveTo(idx, axis);
            Shape s = e.shape(i);
            int[] merged = Batcher.remove(s, axis).dims();
            merged[axis] *= b.size();
            Atom out = e.op(Primitive.GATHER, params, x.atom(), e.reshape(i, Shape.of(merged)));
            return new Batched(e.reshape(out, s), axis);
        });

        define1(Primitive.SCATTER_ADD, (b, params, in) -> {
            int d = Batcher.firstMappedDim(in);
            Params p = Params.of("axis", Batcher.shift(params.getInt("axis"), d));
            return new Batched(b.e().op(Primitive.SCATTER_ADD, p, b.materializeAll(in, d).toArray(Atom[]::new)), d);
        });
    }

    /** The leading operands, then the start indices with a zero start for the batch axis at {@code d}. */
    private static Atom[] withBatchStart(List<Atom> leading, List<Batched> starts, int d) {
        List<Atom> ops = new ArrayList<>(leading);
        starts.forEach(s -> ops.add(s.atom()));
        ops.add(leading.size() + d, Emitter.literal(0, DType.I32));
        return ops.toArray(Atom[]::new);
    }

    /**
     * The blocks of {@code sizes} at each element's clamped starts, read from {@code x} (batch axis
     * 0, unbatched shape {@code n}) by one gather per axis that does not keep its full size (such an
     * axis has start 0 whatever the index).
     */
    private static Atom sliceByGathers(Batcher b, Atom x, Shape n, int[] sizes, List<Batched> starts) {
        Emitter e = b.e();
        Atom cur = x;
        for (int k = 0; k < sizes.length; k++) {
            if (sizes[k] == n.dim(k)) continue;
            Batched s = b.clampIndex(starts.get(k), n.dim(k) - sizes[k]);
            int[] idxShape = e.shape(cur).dims();
            idxShape[k + 1] = sizes[k];
            Shape is = Shape.of(idxShape);
            Atom idx = e.add(iota(e, e.dtype(s.atom()), is, k + 1), b.perElement(s, is));
            cur = e.op(Primitive.GATHER, Params.of("axis", k + 1), cur, idx);
        }
        return cur;
    }

    /** A dynamic_update_slice with per-element starts; the result has its batch axis at 0. */
    private static Atom updateBySelect(Batcher b, Batched x, Batched update, List<Batched> starts) {
        Emitter e = b.e();
        Atom xb = b.materialize(x, 0);
        Shape n = b.unbatchedShape(x), m = b.unbatchedShape(update);
        // An empty update changes nothing (and there is nothing to gather from).
        if (m.size() == 0) return xb;
        Shape full = e.shape(xb);
        Atom shifted = b.materialize(update, 0);
        Atom mask = null;
        for (int k = 0; k < n.rank(); k++) {
            if (m.dim(k) == n.dim(k)) continue;
            Batched s = b.clampIndex(starts.get(k), n.dim(k) - m.dim(k));
            DType t = e.dtype(s.atom());
            int[] grown = e.shape(shifted).dims();
            grown[k + 1] = n.dim(k);
            Shape gs = Shape.of(grown);
            // Outside the block the gather clamps and reads some update element; the mask discards it.
            Atom rel = e.sub(iota(e, t, gs, k + 1), b.perElement(s, gs));
            shifted = e.op(Primitive.GATHER, Params.of("axis", k + 1), shifted, rel);
            Atom pos = iota(e, t, full, k + 1), start = b.perElement(s, full);
            Atom inside = e.and(e.ge(pos, start), e.lt(pos, e.add(start, Emitter.literal(m.dim(k), t))));
            mask = mask == null ? inside : e.and(mask, inside);
        }
        return mask == null ? shifted : e.select(mask, xb, shifted);
    }

    private static Atom iota(Emitter e, DType t, Shape s, int dim) {
        return e.op(Primitive.IOTA, Params.of("dtype", t, "shape", s, "dimension", dim));
    }
}
