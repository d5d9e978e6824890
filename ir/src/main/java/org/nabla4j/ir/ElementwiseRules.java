package org.nabla4j.ir;

import static org.nabla4j.ir.PrimitiveRules.arity;
import static org.nabla4j.ir.PrimitiveRules.define1;
import static org.nabla4j.ir.PrimitiveRules.dtypeError;
import static org.nabla4j.ir.PrimitiveRules.shapeError;

import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;
import org.nabla4j.DType;

/**
 * Elementwise primitives. Binary operands have one dtype and equal shapes, or one of them is rank
 * 0 (a scalar broadcast); general broadcasting is explicit in the IR via {@code broadcast_in_dim}.
 * Float results are computed in double and rounded once to the result dtype; integer results wrap
 * as Java's int/long arithmetic does; integer division and remainder by zero give 0.
 */
final class ElementwiseRules {
    private ElementwiseRules() {}

    /** Which dtypes an elementwise primitive accepts. */
    private enum Accepts {
        FLOAT, NUMERIC, INTEGRAL_OR_BOOL, ANY;

        boolean test(DType t) {
            return switch (this) {
                case FLOAT -> t.isFloating();
                case NUMERIC -> t.isNumeric();
                case INTEGRAL_OR_BOOL -> t.isInteger() || t.isBool();
                case ANY -> true;
            };
        }

        String text() {
            return switch (this) {
                case FLOAT -> "a floating dtype (f32, f64)";
                case NUMERIC -> "a numeric dtype (i32, i64, f32, f64)";
                case INTEGRAL_OR_BOOL -> "an integer or bool dtype";
                case ANY -> "any dtype";
            };
        }
    }

    static void register() {
        floatUnary(Primitive.EXP, Math::exp);
        floatUnary(Primitive.EXP2, ScalarMath::exp2);
        floatUnary(Primitive.LOG, Math::log);
        floatUnary(Primitive.LOG1P, Math::log1p);
        floatUnary(Primitive.EXPM1, Math::expm1);
        floatUnary(Primitive.SIN, Math::sin);
        floatUnary(Primitive.COS, Math::cos);
        floatUnary(Primitive.TAN, Math::tan);
        floatUnary(Primitive.TANH, Math::tanh);
        floatUnary(Primitive.LOGISTIC, ScalarMath::logistic);
        floatUnary(Primitive.SQRT, Math::sqrt);
        floatUnary(Primitive.RSQRT, ScalarMath::rsqrt);
        floatUnary(Primitive.FLOOR, Math::floor);
        floatUnary(Primitive.CEIL, Math::ceil);
        // Half to even, as NumPy's round does.
        floatUnary(Primitive.ROUND, Math::rint);

        unary(Primitive.NEG, Accepts.NUMERIC, null, x -> -x, x -> -x);
        unary(Primitive.ABS, Accepts.NUMERIC, null, Math::abs, Math::abs);
        unary(Primitive.SIGN, Accepts.NUMERIC, null, ScalarMath::sign, Long::signum);
        unary(Primitive.IS_FINITE, Accepts.FLOAT, DType.BOOL, x -> Double.isFinite(x) ? 1 : 0, null);
        unary(Primitive.NOT, Accepts.INTEGRAL_OR_BOOL, null, null, x -> ~x);
        unary(Primitive.STOP_GRADIENT, Accepts.ANY, null, x -> x, x -> x);

        define1(Primitive.CONVERT_ELEMENT_TYPE,
                (p, in) -> {
                    arity(Primitive.CONVERT_ELEMENT_TYPE, in, 1);
                    return in.getFirst().withDType(p.getDType("new_dtype"));
                },
                (p, in) -> convert(in.getFirst(), p.getDType("new_dtype")));

        binary(Primitive.ADD, Accepts.NUMERIC, false, Double::sum, Long::sum);
        binary(Primitive.SUB, Accepts.NUMERIC, false, (a, b) -> a - b, (a, b) -> a - b);
        binary(Primitive.MUL, Accepts.NUMERIC, false, (a, b) -> a * b, (a, b) -> a * b);
        binary(Primitive.DIV, Accepts.NUMERIC, false, (a, b) -> a / b, ScalarMath::idiv);
        // C fmod semantics (sign of the dividend), like lax.rem and np.fmod.
        binary(Primitive.REM, Accepts.NUMERIC, false, (a, b) -> a % b, ScalarMath::irem);
        binary(Primitive.POW, Accepts.NUMERIC, false, ScalarMath::pow, ScalarMath::intPow);
        binary(Primitive.MAX, Accepts.NUMERIC, false, Math::max, Math::max);
        binary(Primitive.MIN, Accepts.NUMERIC, false, Math::min, Math::min);
        binary(Primitive.ATAN2, Accepts.FLOAT, false, Math::atan2, null);
        binary(Primitive.AND, Accepts.INTEGRAL_OR_BOOL, false, null, (a, b) -> a & b);
        binary(Primitive.OR, Accepts.INTEGRAL_OR_BOOL, false, null, (a, b) -> a | b);
        binary(Primitive.XOR, Accepts.INTEGRAL_OR_BOOL, false, null, (a, b) -> a ^ b);
        binary(Primitive.EQ, Accepts.ANY, true, (a, b) -> a == b ? 1 : 0, (a, b) -> a == b ? 1 : 0);
        binary(Primitive.NE, Accepts.ANY, true, (a, b) -> a != b ? 1 : 0, (a, b) -> a != b ? 1 : 0);
        binary(Primitive.LT, Accepts.ANY, true, (a, b) -> a < b ? 1 : 0, (a, b) -> a < b ? 1 : 0);
        binary(Primitive.LE, Accepts.ANY, true, (a, b) -> a <= b ? 1 : 0, (a, b) -> a <= b ? 1 : 0);
        binary(Primitive.GT, Accepts.ANY, true, (a, b) -> a > b ? 1 : 0, (a, b) -> a > b ? 1 : 0);
        binary(Primitive.GE, Accepts.ANY, true, (a, b) -> a >= b ? 1 : 0, (a, b) -> a >= b ? 1 : 0);

        define1(Primitive.SELECT_N, ElementwiseRules::selectShape, ElementwiseRules::select);
    }

    private static void floatUnary(Primitive p, DoubleUnaryOperator f) {
        unary(p, Accepts.FLOAT, null, f, null);
    }

    /** A unary rule; {@code resultDType} null means "same as the operand". */
    private static void unary(Primitive p, Accepts accepts, DType resultDType, DoubleUnaryOperator onFloat,
                              LongUnaryOperator onIntegral) {
        define1(p, (params, in) -> {
            arity(p, in, 1);
            AbstractArray x = in.getFirst();
            if (!accepts.test(x.dtype())) {
                throw dtypeError(p, in, "expects " + accepts.text() + ", got " + x.dtype());
            }
            return resultDType == null ? x : x.withDType(resultDType);
        }, (params, in) -> {
            Tensor x = in.getFirst();
            DType out = resultDType == null ? x.dtype() : resultDType;
            Object dst = Tensor.allocate(out, x.size());
            Object src = x.data();
            boolean floatPath = x.dtype().isFloating() || onIntegral == null;
            if (src instanceof float[] fs && dst instanceof float[] fd) {
                for (int i = 0; i < fs.length; i++) fd[i] = (float) onFloat.applyAsDouble(fs[i]);
                return Tensor.wrap(new AbstractArray(out, x.shape()), dst);
            }
            if (src instanceof double[] ds && dst instanceof double[] dd) {
                for (int i = 0; i < ds.length; i++) dd[i] = onFloat.applyAsDouble(ds[i]);
                return Tensor.wrap(new AbstractArray(out, x.shape()), dst);
            }
            for (int i = 0; i < x.size(); i++) {
                if (floatPath) {
                    Tensor.setDouble(dst, i, onFloat.applyAsDouble(Tensor.getDouble(src, i)));
                } else if (x.dtype() == DType.BOOL && p == Primitive.NOT) {
                    Tensor.setBool(dst, i, !Tensor.getBool(src, i));
                } else {
                    Tensor.setLong(dst, i, onIntegral.applyAsLong(Tensor.getLong(src, i)));
                }
            }
            return Tensor.wrap(new AbstractArray(out, x.shape()), dst);
        });
    }

    private static void binary(Primitive p, Accepts accepts, boolean comparison, DoubleBinaryOperator onFloat,
                               LongBinaryOperator onIntegral) {
        define1(p, (params, in) -> {
            arity(p, in, 2);
            AbstractArray a = in.get(0), b = in.get(1);
            if (a.dtype() != b.dtype()) throw dtypeError(p, in, "operand dtypes differ: " + a.dtype() + " vs " + b.dtype());
            if (!accepts.test(a.dtype())) throw dtypeError(p, in, "expects " + accepts.text() + ", got " + a.dtype());
            Shape s = elementwiseShape(p, in);
            return new AbstractArray(comparison ? DType.BOOL : a.dtype(), s);
        }, (params, in) -> {
            Tensor a = in.get(0), b = in.get(1);
            Shape s = a.shape().rank() == 0 ? b.shape() : a.shape();
            DType outType = comparison ? DType.BOOL : a.dtype();
            int n = s.size();
            Object dst = Tensor.allocate(outType, n);
            int sa = a.size() == n ? 1 : 0, sb = b.size() == n ? 1 : 0;
            Object da = a.data(), db = b.data();
            boolean floatPath = a.dtype().isFloating() || onIntegral == null;
            // Same arithmetic, typed loops: the common float cases skip the per-element dtype dispatch.
            if (da instanceof float[] fa && db instanceof float[] fb && dst instanceof float[] fo) {
                for (int i = 0; i < n; i++) fo[i] = (float) onFloat.applyAsDouble(fa[i * sa], fb[i * sb]);
                return Tensor.wrap(new AbstractArray(outType, s), dst);
            }
            if (da instanceof double[] xa && db instanceof double[] xb && dst instanceof double[] xo) {
                for (int i = 0; i < n; i++) xo[i] = onFloat.applyAsDouble(xa[i * sa], xb[i * sb]);
                return Tensor.wrap(new AbstractArray(outType, s), dst);
            }
            for (int i = 0; i < n; i++) {
                if (floatPath) {
                    Tensor.setDouble(dst, i, onFloat.applyAsDouble(Tensor.getDouble(da, i * sa), Tensor.getDouble(db, i * sb)));
                } else {
                    Tensor.setLong(dst, i, onIntegral.applyAsLong(Tensor.getLong(da, i * sa), Tensor.getLong(db, i * sb)));
                }
            }
            return Tensor.wrap(new AbstractArray(outType, s), dst);
        });
    }

    /** Equal shapes, or a rank-0 operand broadcast against the other. */
    static Shape elementwiseShape(Primitive p, List<AbstractArray> in) {
        Shape result = Shape.SCALAR;
        for (AbstractArray t : in) {
            if (t.rank() == 0) continue;
            if (result.rank() == 0) {
                result = t.shape();
            } else if (!result.equals(t.shape())) {
                throw shapeError(p, in, "shapes " + result + " and " + t.shape() + " differ (broadcast explicitly with broadcast_in_dim)");
            }
        }
        return result;
    }

    private static AbstractArray selectShape(Params params, List<AbstractArray> in) {
        Primitive p = Primitive.SELECT_N;
        if (in.size() < 2) throw shapeError(p, in, "expects a predicate and at least one case");
        AbstractArray pred = in.getFirst();
        if (pred.dtype() != DType.BOOL && pred.dtype() != DType.I32) {
            throw dtypeError(p, in, "predicate must be bool or i32, got " + pred.dtype());
        }
        if (pred.dtype() == DType.BOOL && in.size() > 3) throw shapeError(p, in, "a bool predicate selects between at most 2 cases");
        AbstractArray first = in.get(1);
        for (AbstractArray c : in.subList(2, in.size())) {
            if (!c.equals(first)) throw shapeError(p, in, "cases must have one type, got " + first + " and " + c);
        }
        if (pred.rank() != 0 && !pred.shape().equals(first.shape())) {
            throw shapeError(p, in, "predicate shape " + pred.shape() + " must be scalar or equal the cases' shape " + first.shape());
        }
        return first;
    }

    private static Tensor select(Params params, List<Tensor> in) {
        Tensor pred = in.getFirst();
        AbstractArray t = in.get(1).type();
        int n = t.shape().size();
        Object dst = Tensor.allocate(t.dtype(), n);
        int sp = pred.size() == n ? 1 : 0;
        int last = in.size() - 2;
        for (int i = 0; i < n; i++) {
            int which = (int) Math.max(0, Math.min(last, pred.getLong(i * sp)));
            Tensor.copyElement(in.get(1 + which).data(), i, dst, i);
        }
        return Tensor.wrap(t, dst);
    }

    static Tensor convert(Tensor x, DType to) {
        Object dst = Tensor.allocate(to, x.size());
        Object src = x.data();
        for (int i = 0; i < x.size(); i++) {
            if (x.dtype() == DType.I64 && to == DType.F32) {
                // long -> float directly: going through double would round twice.
                ((float[]) dst)[i] = (float) ((long[]) src)[i];
            } else if (x.dtype().isFloating()) {
                Tensor.setDouble(dst, i, Tensor.getDouble(src, i));
            } else {
                Tensor.setLong(dst, i, Tensor.getLong(src, i));
            }
        }
        return Tensor.wrap(x.type().withDType(to), dst);
    }
}
