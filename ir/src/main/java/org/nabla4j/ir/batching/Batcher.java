package org.nabla4j.ir.batching;

import java.util.ArrayList;
import java.util.List;
import org.nabla4j.DType;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Shape;

/**
 * What a {@link BatchRule} works with: the emitter of the batched program, the batch size, and the
 * moves every rule needs (batch axis to a position, an unmapped value made mapped, axis numbers
 * of the unbatched value translated to the batched one).
 */
final class Batcher {
    private final Emitter e;
    private final int size;

    Batcher(Emitter e, int size) {
        this.e = e;
        this.size = size;
    }

    Emitter e() { return e; }

    /** The batch size. */
    int size() { return size; }

    /** The shape one batch element sees. */
    Shape unbatchedShape(Batched x) {
        Shape s = e.shape(x.atom());
        return x.isMapped() ? remove(s, x.dim()) : s;
    }

    int unbatchedRank(Batched x) { return unbatchedShape(x).rank(); }

    /** Emits {@code p} unchanged: the result is the same for every batch element. */
    List<Batched> copy(Primitive p, Params params, List<Batched> operands) {
        List<Atom> atoms = operands.stream().map(Batched::atom).toList();
        return e.ops(p, params, atoms).stream().map(Batched::unmapped).toList();
    }

    /** A mapped value with its batch axis moved to {@code dst}. */
    Atom moveTo(Batched x, int dst) {
        if (x.dim() == dst) return x.atom();
        int rank = e.shape(x.atom()).rank();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (i != x.dim()) order.add(i);
        }
        order.add(dst, x.dim());
        return e.transpose(x.atom(), order.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The value with a batch axis at {@code dst}: moved there if mapped, broadcast along it if not. */
    Atom materialize(Batched x, int dst) {
        if (x.isMapped()) return moveTo(x, dst);
        Shape s = e.shape(x.atom());
        int[] dims = new int[s.rank()];
        for (int i = 0; i < dims.length; i++) dims[i] = shift(i, dst);
        return e.broadcastInDim(x.atom(), insert(s, dst, size), dims);
    }

    /** Every operand with its batch axis at {@code dst}. */
    List<Atom> materializeAll(List<Batched> xs, int dst) {
        return xs.stream().map(x -> materialize(x, dst)).toList();
    }

    /** The batch axis of the first mapped operand. */
    static int firstMappedDim(List<Batched> xs) {
        return xs.stream().filter(Batched::isMapped).findFirst().orElseThrow().dim();
    }

    /**
     * A per-batch-element scalar (rank 0 unmapped, or {@code [B]} mapped) made fit for elementwise
     * use with an array of {@code batchedShape} whose batch axis is 0.
     */
    Atom perElement(Batched scalar, Shape batchedShape) {
        if (!scalar.isMapped()) return scalar.atom();
        return e.broadcastInDim(scalar.atom(), batchedShape, new int[] {0});
    }

    /** {@code clamp(x, 0, hi)} for a per-element integer scalar, keeping it mapped or not. */
    Batched clampIndex(Batched x, int hi) {
        DType t = e.dtype(x.atom());
        Atom clamped = e.max(e.min(x.atom(), Emitter.literal(hi, t)), Emitter.literal(0, t));
        return new Batched(clamped, x.dim());
    }

    // ---- axis arithmetic ----

    /** Where axis {@code a} of the unbatched value is in a value whose batch axis is {@code bdim}. */
    static int shift(int a, int bdim) {
        return a < bdim ? a : a + 1;
    }

    static int[] shiftAll(int[] axes, int bdim) {
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) out[i] = shift(axes[i], bdim);
        return out;
    }

    /** {@code xs} with {@code v} inserted at position {@code at}. */
    static int[] insert(int[] xs, int at, int v) {
        int[] out = new int[xs.length + 1];
        System.arraycopy(xs, 0, out, 0, at);
        out[at] = v;
        System.arraycopy(xs, at, out, at + 1, xs.length - at);
        return out;
    }

    static Shape insert(Shape s, int at, int dim) {
        return Shape.of(insert(s.dims(), at, dim));
    }

    static Shape remove(Shape s, int at) {
        int[] d = s.dims();
        int[] out = new int[d.length - 1];
        System.arraycopy(d, 0, out, 0, at);
        System.arraycopy(d, at + 1, out, at, out.length - at);
        return Shape.of(out);
    }

    /** How many of {@code axes} are below {@code bdim}. */
    static int countBelow(int[] axes, int bdim) {
        int n = 0;
        for (int a : axes) {
            if (a < bdim) n++;
        }
        return n;
    }
}
