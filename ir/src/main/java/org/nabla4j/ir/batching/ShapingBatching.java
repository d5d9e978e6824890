package org.nabla4j.ir.batching;

import static org.nabla4j.ir.batching.BatchingRules.define;
import static org.nabla4j.ir.batching.BatchingRules.define1;

import java.util.Arrays;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Shape;

/** Primitives that create or rearrange arrays: the batch axis is one more axis to carry along. */
final class ShapingBatching {
    private ShapingBatching() {}

    static void register() {
        // No operands, so never mapped; the pass copies such equations, as this rule would.
        define(Primitive.IOTA, (b, params, in) -> b.copy(Primitive.IOTA, params, in));

        // The batch axis goes right after the output axis of the operand axis before it, so dims stay increasing.
        define1(Primitive.BROADCAST_IN_DIM, (b, params, in) -> {
            Batched x = in.getFirst();
            int[] dims = params.getInts("dims");
            int out = x.dim() == 0 ? 0 : dims[x.dim() - 1] + 1;
            int[] newDims = Batcher.insert(Batcher.shiftAll(dims, out), x.dim(), out);
            Shape shape = Batcher.insert(params.getShape("shape"), out, b.size());
            return new Batched(b.e().broadcastInDim(x.atom(), shape, newDims), out);
        });

        // Row-major reshapes keep a leading axis apart from the rest.
        define1(Primitive.RESHAPE, (b, params, in) -> {
            Shape shape = Batcher.insert(params.getShape("shape"), 0, b.size());
            return new Batched(b.e().reshape(b.moveTo(in.getFirst(), 0), shape), 0);
        });

        define1(Primitive.TRANSPOSE, (b, params, in) -> {
            Batched x = in.getFirst();
            int[] perm = Batcher.insert(Batcher.shiftAll(params.getInts("permutation"), x.dim()), 0, x.dim());
            return new Batched(b.e().transpose(x.atom(), perm), 0);
        });

        define1(Primitive.SQUEEZE, (b, params, in) -> {
            Batched x = in.getFirst();
            int[] dims = params.getInts("dims");
            Atom out = b.e().op(Primitive.SQUEEZE, Params.of("dims", Batcher.shiftAll(dims, x.dim())), x.atom());
            return new Batched(out, x.dim() - Batcher.countBelow(dims, x.dim()));
        });

        // The new axes are numbered in the result, so a leading batch axis shifts them all by one.
        define1(Primitive.EXPAND_DIMS, (b, params, in) -> {
            int[] dims = Arrays.stream(params.getInts("dims")).map(d -> d + 1).toArray();
            return new Batched(b.e().op(Primitive.EXPAND_DIMS, Params.of("dims", dims), b.moveTo(in.getFirst(), 0)), 0);
        });

        define1(Primitive.SLICE, (b, params, in) -> {
            Batched x = in.getFirst();
            int d = x.dim();
            Params p = Params.of("start", Batcher.insert(params.getInts("start"), d, 0),
                    "limit", Batcher.insert(params.getInts("limit"), d, b.size()),
                    "strides", Batcher.insert(params.getInts("strides"), d, 1));
            return new Batched(b.e().op(Primitive.SLICE, p, x.atom()), d);
        });

        // A mapped padding value cannot be a pad operand (it must be a scalar): pad with zeros, then
        // select the per-element value wherever a pad of "true" over the operand's shape says "padding".
        define1(Primitive.PAD, (b, params, in) -> {
            Batched x = in.get(0), v = in.get(1);
            if (!v.isMapped()) return new Batched(b.e().op(Primitive.PAD, padParams(params, x.dim()), x.atom(), v.atom()), x.dim());
            Emitter e = b.e();
            Atom padded = e.op(Primitive.PAD, padParams(params, 0), b.materialize(x, 0), e.scalarLike(v.atom(), 0));
            Atom inside = e.op(Primitive.PAD, params, e.full(new AbstractArray(DType.BOOL, b.unbatchedShape(x)), 1), Emitter.literal(0, DType.BOOL));
            Shape out = e.shape(padded);
            Atom mask = e.broadcastInDim(inside, out, Batcher.shiftAll(Emitter.range(out.rank() - 1), 0));
            return new Batched(e.select(mask, b.perElement(v, out), padded), 0);
        });

        define1(Primitive.CONCATENATE, (b, params, in) -> {
            int d = Batcher.firstMappedDim(in);
            Params p = Params.of("dimension", Batcher.shift(params.getInt("dimension"), d));
            return new Batched(b.e().op(Primitive.CONCATENATE, p, b.materializeAll(in, d).toArray(Atom[]::new)), d);
        });
    }

    /** Pad params with a batch axis at {@code d} that is not padded. */
    private static Params padParams(Params params, int d) {
        return Params.of("low", Batcher.insert(params.getInts("low"), d, 0),
                "high", Batcher.insert(params.getInts("high"), d, 0),
                "interior", Batcher.insert(params.getInts("interior"), d, 0));
    }
}
