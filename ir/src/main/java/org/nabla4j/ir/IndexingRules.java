package org.nabla4j.ir;

import static org.nabla4j.ir.PrimitiveRules.arity;
import static org.nabla4j.ir.PrimitiveRules.checkAxes;
import static org.nabla4j.ir.PrimitiveRules.define1;
import static org.nabla4j.ir.PrimitiveRules.dtypeError;
import static org.nabla4j.ir.PrimitiveRules.shapeError;

import java.util.List;

/**
 * Indexing with run-time integer indices. Out-of-range starts and indices are clamped into range
 * (as XLA clamps dynamic slices), for reads and for {@code scatter_add} alike, so that
 * {@code scatter_add} is exactly the transpose of {@code gather}.
 *
 * <ul>
 *   <li>{@code dynamic_slice[sizes] x i0 … i(r-1)}: the block of the given sizes at the (clamped) starts.
 *   <li>{@code dynamic_update_slice x update i0 … i(r-1)}: x with the block replaced by update.
 *   <li>{@code gather[axis] x idx}: take-along-axis; idx has x's rank and x's sizes except on
 *       {@code axis}; {@code out[…, j, …] = x[…, idx[…, j, …], …]}.
 *   <li>{@code scatter_add[axis] x idx upd}: x plus upd added at the positions gather would read.
 * </ul>
 */
final class IndexingRules {
    private IndexingRules() {}

    static void register() {
        define1(Primitive.DYNAMIC_SLICE, (p, in) -> {
            Primitive prim = Primitive.DYNAMIC_SLICE;
            if (in.isEmpty()) throw shapeError(prim, in, "needs an operand");
            AbstractArray x = in.getFirst();
            checkStarts(prim, in, x, 1);
            int[] sizes = p.getInts("sizes");
            if (sizes.length != x.rank()) throw shapeError(prim, in, "sizes need one entry per axis of " + x.shape());
            for (int d = 0; d < sizes.length; d++) {
                if (sizes[d] < 0 || sizes[d] > x.shape().dim(d)) {
                    throw shapeError(prim, in, "slice size " + sizes[d] + " does not fit axis " + d + " of size " + x.shape().dim(d));
                }
            }
            return x.withShape(Shape.of(sizes));
        }, (p, in) -> {
            Tensor x = in.getFirst();
            int[] sizes = p.getInts("sizes");
            int base = clampedBase(x.shape(), sizes, in.subList(1, in.size()));
            return Tensor.wrap(x.type().withShape(Shape.of(sizes)),
                    Strided.gather(x.data(), x.dtype(), base, sizes, x.shape().strides()));
        });

        define1(Primitive.DYNAMIC_UPDATE_SLICE, (p, in) -> {
            Primitive prim = Primitive.DYNAMIC_UPDATE_SLICE;
            if (in.size() < 2) throw shapeError(prim, in, "needs an operand and an update");
            AbstractArray x = in.get(0), u = in.get(1);
            if (u.dtype() != x.dtype()) throw dtypeError(prim, in, "update dtype " + u.dtype() + " differs from operand dtype " + x.dtype());
            if (u.rank() != x.rank()) throw shapeError(prim, in, "update rank differs from operand rank");
            for (int d = 0; d < x.rank(); d++) {
                if (u.shape().dim(d) > x.shape().dim(d)) throw shapeError(prim, in, "update " + u.shape() + " does not fit in " + x.shape());
            }
            checkStarts(prim, in, x, 2);
            return x;
        }, (p, in) -> {
            Tensor x = in.get(0), u = in.get(1);
            Object dst = Strided.copy(x.data());
            int base = clampedBase(x.shape(), u.shape().dims(), in.subList(2, in.size()));
            Strided.scatter(u.data(), u.shape().dims(), dst, base, x.shape().strides());
            return Tensor.wrap(x.type(), dst);
        });

        define1(Primitive.GATHER, (p, in) -> {
            arity(Primitive.GATHER, in, 2);
            checkTakeAlong(Primitive.GATHER, in, p.getInt("axis"));
            return in.get(0).withShape(in.get(1).shape());
        }, (p, in) -> {
            Tensor x = in.get(0), idx = in.get(1);
            int axis = p.getInt("axis");
            Object dst = Tensor.allocate(x.dtype(), idx.size());
            forEachIndexed(x.shape(), idx, axis, (i, src) -> Tensor.copyElement(x.data(), src, dst, i));
            return Tensor.wrap(x.type().withShape(idx.shape()), dst);
        });

        define1(Primitive.SCATTER_ADD, (p, in) -> {
            Primitive prim = Primitive.SCATTER_ADD;
            arity(prim, in, 3);
            checkTakeAlong(prim, in, p.getInt("axis"));
            AbstractArray x = in.get(0), u = in.get(2);
            if (!x.dtype().isNumeric()) throw dtypeError(prim, in, "expects a numeric dtype, got " + x.dtype());
            if (!u.equals(in.get(1).withDType(x.dtype()))) {
                throw shapeError(prim, in, "updates must have the indices' shape " + in.get(1).shape() + " and dtype " + x.dtype());
            }
            return x;
        }, (p, in) -> {
            Tensor x = in.get(0), idx = in.get(1), u = in.get(2);
            int axis = p.getInt("axis");
            Object dst = Strided.copy(x.data());
            boolean isFloat = x.dtype().isFloating();
            forEachIndexed(x.shape(), idx, axis, (i, target) -> {
                if (isFloat) {
                    Tensor.setDouble(dst, target, Tensor.getDouble(dst, target) + u.getDouble(i));
                } else {
                    Tensor.setLong(dst, target, Tensor.getLong(dst, target) + u.getLong(i));
                }
            });
            return Tensor.wrap(x.type(), dst);
        });
    }

    private static void checkStarts(Primitive prim, List<AbstractArray> in, AbstractArray x, int first) {
        if (in.size() - first != x.rank()) {
            throw shapeError(prim, in, "needs one start index per axis of " + x.shape() + ", got " + (in.size() - first));
        }
        for (AbstractArray s : in.subList(first, in.size())) {
            if (s.rank() != 0 || !s.dtype().isInteger()) throw dtypeError(prim, in, "start indices must be integer scalars, got " + s);
        }
    }

    private static void checkTakeAlong(Primitive prim, List<AbstractArray> in, int axis) {
        AbstractArray x = in.get(0), idx = in.get(1);
        if (!idx.dtype().isInteger()) throw dtypeError(prim, in, "indices must be i32 or i64, got " + idx.dtype());
        if (idx.rank() != x.rank()) throw shapeError(prim, in, "indices rank " + idx.rank() + " must equal operand rank " + x.rank());
        checkAxes(prim, in, new int[] {axis}, x.rank(), "axis");
        for (int d = 0; d < x.rank(); d++) {
            if (d != axis && idx.shape().dim(d) != x.shape().dim(d)) {
                throw shapeError(prim, in, "indices shape " + idx.shape() + " must match operand shape " + x.shape() + " except on axis " + axis);
            }
        }
        if (x.shape().dim(axis) == 0 && idx.shape().size() > 0) throw shapeError(prim, in, "cannot index an empty axis " + axis);
    }

    private static int clampedBase(Shape x, int[] sizes, List<Tensor> starts) {
        int[] strides = x.strides();
        int base = 0;
        for (int d = 0; d < sizes.length; d++) {
            long s = starts.get(d).getLong(0);
            s = Math.max(0, Math.min(s, x.dim(d) - sizes[d]));
            base += (int) s * strides[d];
        }
        return base;
    }

    interface IndexVisitor {
        void visit(int indexPosition, int operandOffset);
    }

    /** Visits every position of idx with the operand offset it addresses (clamped on axis). */
    private static void forEachIndexed(Shape x, Tensor idx, int axis, IndexVisitor v) {
        int[] dims = idx.shape().dims();
        int[] xs = x.strides();
        int[] pos = new int[dims.length];
        int n = x.dim(axis);
        for (int i = 0; i < idx.size(); i++) {
            long j = Math.max(0, Math.min(n - 1, idx.getLong(i)));
            int off = 0;
            for (int d = 0; d < dims.length; d++) off += (d == axis ? (int) j : pos[d]) * xs[d];
            v.visit(i, off);
            Strided.next(pos, dims);
        }
    }
}
