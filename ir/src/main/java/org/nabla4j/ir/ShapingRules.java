package org.nabla4j.ir;

import static org.nabla4j.ir.PrimitiveRules.arity;
import static org.nabla4j.ir.PrimitiveRules.checkAxes;
import static org.nabla4j.ir.PrimitiveRules.define1;
import static org.nabla4j.ir.PrimitiveRules.dtypeError;
import static org.nabla4j.ir.PrimitiveRules.shapeError;

import java.util.Arrays;
import java.util.List;
import org.nabla4j.DType;

/** Primitives that create or rearrange arrays without arithmetic. */
final class ShapingRules {
    private ShapingRules() {}

    static void register() {
        define1(Primitive.IOTA, (p, in) -> {
            arity(Primitive.IOTA, in, 0);
            Shape s = p.getShape("shape");
            int dim = p.getInt("dimension");
            if (dim < 0 || dim >= s.rank()) throw shapeError(Primitive.IOTA, in, "dimension " + dim + " out of range for shape " + s);
            if (p.getDType("dtype") == DType.BOOL) throw dtypeError(Primitive.IOTA, in, "dtype must be numeric");
            return new AbstractArray(p.getDType("dtype"), s);
        }, (p, in) -> {
            Shape s = p.getShape("shape");
            int dim = p.getInt("dimension");
            int[] dims = s.dims();
            Object dst = Tensor.allocate(p.getDType("dtype"), s.size());
            int[] idx = new int[dims.length];
            for (int i = 0; i < s.size(); i++) {
                Tensor.setLong(dst, i, idx[dim]);
                Strided.next(idx, dims);
            }
            return Tensor.wrap(new AbstractArray(p.getDType("dtype"), s), dst);
        });

        define1(Primitive.BROADCAST_IN_DIM, (p, in) -> {
            Primitive prim = Primitive.BROADCAST_IN_DIM;
            arity(prim, in, 1);
            AbstractArray x = in.getFirst();
            Shape out = p.getShape("shape");
            int[] dims = p.getInts("dims");
            if (dims.length != x.rank()) throw shapeError(prim, in, "dims " + Arrays.toString(dims) + " must name one output axis per operand axis");
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] < 0 || dims[i] >= out.rank() || (i > 0 && dims[i] <= dims[i - 1])) {
                    throw shapeError(prim, in, "dims " + Arrays.toString(dims) + " must be increasing axes of " + out);
                }
                if (x.shape().dim(i) != 1 && x.shape().dim(i) != out.dim(dims[i])) {
                    throw shapeError(prim, in, "cannot broadcast " + x.shape() + " to " + out + " (axis " + i + " has size "
                            + x.shape().dim(i) + ", target " + out.dim(dims[i]) + ")");
                }
            }
            return x.withShape(out);
        }, (p, in) -> {
            Tensor x = in.getFirst();
            Shape out = p.getShape("shape");
            int[] dims = p.getInts("dims");
            int[] xStrides = x.shape().strides();
            int[] strides = new int[out.rank()];
            for (int i = 0; i < dims.length; i++) {
                strides[dims[i]] = x.shape().dim(i) == 1 ? 0 : xStrides[i];
            }
            return Tensor.wrap(x.type().withShape(out), Strided.gather(x.data(), x.dtype(), 0, out.dims(), strides));
        });

        define1(Primitive.RESHAPE, (p, in) -> {
            arity(Primitive.RESHAPE, in, 1);
            Shape out = p.getShape("shape");
            if ((long) out.size() != in.getFirst().shape().size()) {
                throw shapeError(Primitive.RESHAPE, in, "cannot reshape " + in.getFirst().shape() + " (" + in.getFirst().shape().size()
                        + " elements) to " + out + " (" + out.size() + " elements)");
            }
            return in.getFirst().withShape(out);
        }, (p, in) -> in.getFirst().reshape(p.getShape("shape")));

        define1(Primitive.TRANSPOSE, (p, in) -> {
            arity(Primitive.TRANSPOSE, in, 1);
            AbstractArray x = in.getFirst();
            int[] perm = p.getInts("permutation");
            if (perm.length != x.rank()) throw shapeError(Primitive.TRANSPOSE, in, "permutation " + Arrays.toString(perm) + " does not match rank " + x.rank());
            checkAxes(Primitive.TRANSPOSE, in, perm, x.rank(), "permutation axis");
            int[] out = new int[perm.length];
            for (int i = 0; i < perm.length; i++) out[i] = x.shape().dim(perm[i]);
            return x.withShape(Shape.of(out));
        }, (p, in) -> {
            Tensor x = in.getFirst();
            int[] perm = p.getInts("permutation");
            int[] xs = x.shape().strides();
            int[] outDims = new int[perm.length];
            int[] strides = new int[perm.length];
            for (int i = 0; i < perm.length; i++) {
                outDims[i] = x.shape().dim(perm[i]);
                strides[i] = xs[perm[i]];
            }
            Shape out = Shape.of(outDims);
            return Tensor.wrap(x.type().withShape(out), Strided.gather(x.data(), x.dtype(), 0, outDims, strides));
        });

        define1(Primitive.SQUEEZE, (p, in) -> {
            arity(Primitive.SQUEEZE, in, 1);
            AbstractArray x = in.getFirst();
            int[] dims = p.getInts("dims");
            checkAxes(Primitive.SQUEEZE, in, dims, x.rank(), "axis");
            for (int d : dims) {
                if (x.shape().dim(d) != 1) throw shapeError(Primitive.SQUEEZE, in, "cannot squeeze axis " + d + " of size " + x.shape().dim(d));
            }
            return x.withShape(squeezed(x.shape(), dims));
        }, (p, in) -> in.getFirst().reshape(squeezed(in.getFirst().shape(), p.getInts("dims"))));

        define1(Primitive.EXPAND_DIMS, (p, in) -> {
            arity(Primitive.EXPAND_DIMS, in, 1);
            AbstractArray x = in.getFirst();
            int[] dims = p.getInts("dims");
            checkAxes(Primitive.EXPAND_DIMS, in, dims, x.rank() + dims.length, "new axis");
            return x.withShape(expanded(x.shape(), dims));
        }, (p, in) -> in.getFirst().reshape(expanded(in.getFirst().shape(), p.getInts("dims"))));

        define1(Primitive.SLICE, (p, in) -> {
            Primitive prim = Primitive.SLICE;
            arity(prim, in, 1);
            AbstractArray x = in.getFirst();
            int[] start = p.getInts("start"), limit = p.getInts("limit"), strides = p.getInts("strides");
            if (start.length != x.rank() || limit.length != x.rank() || strides.length != x.rank()) {
                throw shapeError(prim, in, "start, limit and strides need one entry per axis of " + x.shape());
            }
            int[] out = new int[x.rank()];
            for (int i = 0; i < x.rank(); i++) {
                if (start[i] < 0 || start[i] > limit[i] || limit[i] > x.shape().dim(i) || strides[i] < 1) {
                    throw shapeError(prim, in, "slice [" + start[i] + ":" + limit[i] + ":" + strides[i] + "] is out of range for axis "
                            + i + " of size " + x.shape().dim(i));
                }
                out[i] = (limit[i] - start[i] + strides[i] - 1) / strides[i];
            }
            return x.withShape(Shape.of(out));
        }, (p, in) -> {
            Tensor x = in.getFirst();
            int[] start = p.getInts("start"), limit = p.getInts("limit"), step = p.getInts("strides");
            int[] xs = x.shape().strides();
            int[] out = new int[start.length];
            int[] strides = new int[start.length];
            int base = 0;
            for (int i = 0; i < start.length; i++) {
                out[i] = (limit[i] - start[i] + step[i] - 1) / step[i];
                strides[i] = xs[i] * step[i];
                base += start[i] * xs[i];
            }
            if (Shape.of(out).size() == 0) base = 0;
            return Tensor.wrap(x.type().withShape(Shape.of(out)), Strided.gather(x.data(), x.dtype(), base, out, strides));
        });

        define1(Primitive.PAD, (p, in) -> {
            Primitive prim = Primitive.PAD;
            arity(prim, in, 2);
            AbstractArray x = in.get(0), v = in.get(1);
            if (v.rank() != 0 || v.dtype() != x.dtype()) throw shapeError(prim, in, "padding value must be a scalar of dtype " + x.dtype());
            return x.withShape(padShape(prim, in, x.shape(), p));
        }, (p, in) -> {
            Tensor x = in.get(0);
            Shape out = padShape(Primitive.PAD, List.of(), x.shape(), p);
            int[] low = p.getInts("low"), interior = p.getInts("interior");
            Object dst = Tensor.allocate(x.dtype(), out.size());
            for (int i = 0; i < out.size(); i++) Tensor.copyElement(in.get(1).data(), 0, dst, i);
            int[] outStrides = out.strides();
            int[] dims = x.shape().dims();
            int[] idx = new int[dims.length];
            for (int i = 0; i < x.size(); i++) {
                int off = 0;
                boolean inside = true;
                for (int d = 0; d < dims.length; d++) {
                    int o = low[d] + idx[d] * (interior[d] + 1);
                    if (o < 0 || o >= out.dim(d)) {
                        inside = false;
                        break;
                    }
                    off += o * outStrides[d];
                }
                if (inside) Tensor.copyElement(x.data(), i, dst, off);
                Strided.next(idx, dims);
            }
            return Tensor.wrap(x.type().withShape(out), dst);
        });

        define1(Primitive.CONCATENATE, (p, in) -> {
            Primitive prim = Primitive.CONCATENATE;
            if (in.isEmpty()) throw shapeError(prim, in, "needs at least one operand");
            AbstractArray first = in.getFirst();
            int dim = p.getInt("dimension");
            if (dim < 0 || dim >= first.rank()) throw shapeError(prim, in, "dimension " + dim + " out of range for rank " + first.rank());
            int total = 0;
            for (AbstractArray t : in) {
                if (t.dtype() != first.dtype()) throw dtypeError(prim, in, "operand dtypes differ: " + first.dtype() + " vs " + t.dtype());
                if (t.rank() != first.rank()) throw shapeError(prim, in, "operand ranks differ");
                for (int d = 0; d < t.rank(); d++) {
                    if (d != dim && t.shape().dim(d) != first.shape().dim(d)) {
                        throw shapeError(prim, in, "shapes " + first.shape() + " and " + t.shape() + " differ outside axis " + dim);
                    }
                }
                total += t.shape().dim(dim);
            }
            int[] out = first.shape().dims();
            out[dim] = total;
            return first.withShape(Shape.of(out));
        }, (p, in) -> {
            int dim = p.getInt("dimension");
            int[] out = in.getFirst().shape().dims();
            out[dim] = in.stream().mapToInt(t -> t.shape().dim(dim)).sum();
            Shape outShape = Shape.of(out);
            Object dst = Tensor.allocate(in.getFirst().dtype(), outShape.size());
            int[] strides = outShape.strides();
            int offset = 0;
            for (Tensor t : in) {
                Strided.scatter(t.data(), t.shape().dims(), dst, offset * strides[dim], strides);
                offset += t.shape().dim(dim);
            }
            return Tensor.wrap(in.getFirst().type().withShape(outShape), dst);
        });
    }

    /** The shape without the given axes (whatever their sizes). */
    static Shape squeezed(Shape s, int[] dims) {
        int[] out = new int[s.rank() - dims.length];
        int j = 0;
        for (int i = 0; i < s.rank(); i++) {
            final int axis = i;
            if (Arrays.stream(dims).noneMatch(d -> d == axis)) out[j++] = s.dim(i);
        }
        return Shape.of(out);
    }

    static Shape expanded(Shape s, int[] dims) {
        int rank = s.rank() + dims.length;
        int[] out = new int[rank];
        int j = 0;
        for (int i = 0; i < rank; i++) {
            final int axis = i;
            out[i] = Arrays.stream(dims).anyMatch(d -> d == axis) ? 1 : s.dim(j++);
        }
        return Shape.of(out);
    }

    private static Shape padShape(Primitive prim, List<AbstractArray> in, Shape x, Params p) {
        int[] low = p.getInts("low"), high = p.getInts("high"), interior = p.getInts("interior");
        if (low.length != x.rank() || high.length != x.rank() || interior.length != x.rank()) {
            throw shapeError(prim, in, "low, high and interior need one entry per axis of " + x);
        }
        int[] out = new int[x.rank()];
        for (int i = 0; i < x.rank(); i++) {
            int d = x.dim(i);
            if (interior[i] < 0) throw shapeError(prim, in, "interior padding must be >= 0");
            out[i] = low[i] + high[i] + d + Math.max(d - 1, 0) * interior[i];
            if (out[i] < 0) throw shapeError(prim, in, "padding gives a negative size on axis " + i);
        }
        return Shape.of(out);
    }
}
