package org.nabla4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.PrimitiveRules;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Tensor;

/**
 * The one place where an operation meets the trace state: {@link #bind} records an equation when a
 * trace is active and computes eagerly otherwise. Also the NumPy-style plumbing (dtype promotion
 * with weak scalars, broadcasting, axis normalisation) that {@link Np} builds on.
 */
final class Ops {
    private Ops() {}

    static List<NDArray> bind(Primitive p, Params params, List<NDArray> operands) {
        for (NDArray x : operands) {
            if (!x.isConcrete()) x.trace().checkUsable(p.irName());
        }
        Trace top = Trace.current();
        if (top != null) return top.bind(p, params, operands);
        List<AbstractArray> types = new ArrayList<>(operands.size());
        List<Tensor> values = new ArrayList<>(operands.size());
        for (NDArray x : operands) {
            types.add(x.abstractType());
            values.add(x.tensor());
        }
        PrimitiveRules.infer(p, params, types);
        List<Tensor> out = PrimitiveRules.apply(p, params, values);
        if (Nabla.config().debugNans()) checkNans(p, values, out);
        List<NDArray> result = new ArrayList<>(out.size());
        for (Tensor t : out) result.add(NDArray.concrete(t));
        return result;
    }

    /** debugNans: fails when NaN-free operands gave a NaN. */
    private static void checkNans(Primitive p, List<Tensor> in, List<Tensor> out) {
        for (Tensor t : in) if (hasNan(t)) return;
        for (Tensor t : out) {
            if (hasNan(t)) {
                throw new NanError("debugNans: " + p + " produced a NaN from operands without one ("
                        + String.join(", ", in.stream().map(x -> x.type().toString()).toList()) + ")");
            }
        }
    }

    static boolean hasNan(Tensor t) {
        if (!t.dtype().isFloating()) return false;
        for (int i = 0; i < t.size(); i++) if (Double.isNaN(t.getDouble(i))) return true;
        return false;
    }

    static NDArray bind1(Primitive p, Params params, NDArray... operands) {
        return bind(p, params, Arrays.asList(operands)).getFirst();
    }

    // ---- dtype promotion ----

    /** The common dtype of the operands under JAX's lattice; weakly typed scalars defer to typed arrays. */
    static DType resultDType(NDArray... xs) {
        DType strong = null;
        for (NDArray x : xs) {
            if (!x.isWeak()) strong = strong == null ? x.dtype() : DType.promote(strong, x.dtype());
        }
        DType t = strong;
        for (NDArray x : xs) {
            if (x.isWeak()) t = t == null ? x.dtype() : (strong == null ? DType.promote(t, x.dtype()) : DType.promoteWeak(t, x.dtype()));
        }
        return t;
    }

    static boolean allWeak(NDArray... xs) {
        for (NDArray x : xs) {
            if (!x.isWeak()) return false;
        }
        return true;
    }

    static NDArray convert(NDArray x, DType to) {
        if (x.dtype() == to) return x;
        if (x.isConcrete() && x.ndim() == 0) {
            // Scalars from Java literals convert now, so traces show a literal of the right dtype.
            Params p = Params.of("new_dtype", to);
            return NDArray.concrete(PrimitiveRules.apply(Primitive.CONVERT_ELEMENT_TYPE, p, List.of(x.tensor())).getFirst());
        }
        return bind1(Primitive.CONVERT_ELEMENT_TYPE, Params.of("new_dtype", to), x);
    }

    /** Converts integers to a float dtype for inexact functions (exp, mean, true division…). */
    static NDArray toInexact(String op, NDArray x) {
        if (x.dtype().isFloating()) return x;
        if (x.dtype() == DType.BOOL) {
            throw new DTypeError(op + ": expects a numeric array, got " + x.abstractType() + " (convert bools with astype first)");
        }
        return convert(x, inexactOf(x.dtype()));
    }

    /**
     * The float dtype integers compute in: f32 for i32 (JAX's default float), f64 for i64, so that
     * 64-bit integers are never rounded to 24-bit mantissas silently.
     */
    static DType inexactOf(DType t) {
        return t == DType.I64 ? DType.F64 : t.isFloating() ? t : DType.F32;
    }

    // ---- broadcasting ----

    static int[] broadcastShapes(String op, NDArray... xs) {
        int[][] shapes = new int[xs.length][];
        for (int i = 0; i < xs.length; i++) shapes[i] = xs[i].shape();
        return broadcastShapes(op, describe(xs), shapes);
    }

    /** NumPy's broadcast of several shapes; {@code what} names the operands in the error. */
    static int[] broadcastShapes(String op, String what, int[]... shapes) {
        int rank = 0;
        for (int[] s : shapes) rank = Math.max(rank, s.length);
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int o = rank - s.length + i;
                if (s[i] == out[o] || s[i] == 1) continue;
                if (out[o] == 1) {
                    out[o] = s[i];
                } else {
                    throw new ShapeError(op + ": shapes " + what + " cannot be broadcast together (axis " + o
                            + ": " + out[o] + " vs " + s[i] + ")");
                }
            }
        }
        return out;
    }

    static String describe(NDArray... xs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            if (i > 0) sb.append(" and ");
            sb.append(xs[i].abstractType());
        }
        return sb.toString();
    }

    /** Broadcasts {@code x} to {@code shape}; scalars stay rank 0 (the IR broadcasts them in elementwise ops). */
    static NDArray broadcastForElementwise(NDArray x, int[] shape) {
        if (x.ndim() == 0 || Arrays.equals(x.shape(), shape)) return x;
        return broadcastTo("broadcast", x, shape);
    }

    static NDArray broadcastTo(String op, NDArray x, int[] shape) {
        if (Arrays.equals(x.shape(), shape)) return x;
        int[] s = x.shape();
        if (s.length > shape.length) {
            throw new ShapeError(op + ": cannot broadcast " + x.abstractType() + " to shape " + Shape.of(shape) + " of lower rank");
        }
        int lead = shape.length - s.length;
        int[] dims = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            if (s[i] != shape[lead + i] && s[i] != 1) {
                throw new ShapeError(op + ": cannot broadcast " + x.abstractType() + " to shape " + Shape.of(shape)
                        + " (axis " + i + " has size " + s[i] + ")");
            }
            dims[i] = lead + i;
        }
        return bind1(Primitive.BROADCAST_IN_DIM, Params.of("shape", shape, "dims", dims), x);
    }

    /** Promotes and broadcasts the operands of an elementwise op to one dtype and shape. */
    static NDArray[] elementwiseOperands(String op, DType dtype, NDArray... xs) {
        int[] shape = broadcastShapes(op, xs);
        NDArray[] out = new NDArray[xs.length];
        for (int i = 0; i < xs.length; i++) {
            checkScalarFits(op, xs[i], dtype);
            out[i] = broadcastForElementwise(convert(xs[i], dtype), shape);
        }
        return out;
    }

    /**
     * A Java integer that meets an i32 array takes its dtype (it is weakly typed), so it must fit:
     * NumPy 2 and JAX refuse {@code int32_array + 3_000_000_000} rather than wrap it around.
     */
    static void checkScalarFits(String op, NDArray x, DType to) {
        if (!x.isWeak() || !x.isConcrete() || x.ndim() != 0 || to != DType.I32 || x.dtype() != DType.I64) return;
        long v = x.tensor().getLong(0);
        if (v != (int) v) {
            throw new DTypeError(op + ": the Java integer " + v + " does not fit the i32 array it meets (it would wrap around to "
                    + (int) v + "); make the array i64 with astype(DType.I64) first");
        }
    }

    // ---- axes ----

    static int axis(String op, NDArray x, int axis) {
        int r = x.ndim();
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new ShapeError(op + ": axis " + axis + " is out of range for an array of rank " + r + " (" + x.abstractType() + ")");
        }
        return a;
    }

    /** Normalised, sorted, distinct axes; an empty argument means all axes. */
    static int[] axes(String op, NDArray x, int[] axes) {
        if (axes.length == 0) {
            int[] all = new int[x.ndim()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) out[i] = axis(op, x, axes[i]);
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) throw new ShapeError(op + ": axis " + out[i] + " is repeated in " + Arrays.toString(axes));
        }
        return out;
    }
}
