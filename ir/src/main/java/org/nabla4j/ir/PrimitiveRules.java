package org.nabla4j.ir;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.nabla4j.DTypeError;
import org.nabla4j.ShapeError;

/**
 * The rule table of the {@code ir} module: for every primitive, its shape/dtype rule and its
 * reference implementation (the interpreter). Each primitive is registered in one block, shape rule
 * next to implementation, in the group files {@link ElementwiseRules}, {@link ShapingRules},
 * {@link ReductionRules}, {@link IndexingRules} and {@link ControlFlowRules}.
 *
 * <p>Contract of a shape rule: given the operand types, return the result types or throw
 * {@link ShapeError}/{@link DTypeError} naming the primitive and the operand types. Contract of an
 * implementation: called only with operands that passed the shape rule; returns fresh tensors of
 * exactly the inferred types and never writes its operands.
 */
public final class PrimitiveRules {

    /** Result types from operand types; throws ShapeError/DTypeError on bad operands. */
    @FunctionalInterface
    public interface ShapeRule {
        List<AbstractArray> infer(Params params, List<AbstractArray> operands);
    }

    /** Concrete evaluation. */
    @FunctionalInterface
    public interface Impl {
        List<Tensor> apply(Params params, List<Tensor> operands);
    }

    /** A rule with one result, the common case. */
    @FunctionalInterface
    interface ShapeRule1 {
        AbstractArray infer(Params params, List<AbstractArray> operands);
    }

    @FunctionalInterface
    interface Impl1 {
        Tensor apply(Params params, List<Tensor> operands);
    }

    private static final Map<Primitive, ShapeRule> SHAPE = new EnumMap<>(Primitive.class);
    private static final Map<Primitive, Impl> IMPL = new EnumMap<>(Primitive.class);

    static {
        ElementwiseRules.register();
        ShapingRules.register();
        ReductionRules.register();
        IndexingRules.register();
        ControlFlowRules.register();
    }

    private PrimitiveRules() {}

    static void define(Primitive p, ShapeRule shape, Impl impl) {
        if (SHAPE.put(p, shape) != null) throw new IllegalStateException("rule for " + p + " defined twice");
        IMPL.put(p, impl);
    }

    static void define1(Primitive p, ShapeRule1 shape, Impl1 impl) {
        define(p, (params, in) -> List.of(shape.infer(params, in)), (params, in) -> List.of(impl.apply(params, in)));
    }

    public static boolean hasShapeRule(Primitive p) { return SHAPE.containsKey(p); }

    public static boolean hasImpl(Primitive p) { return IMPL.containsKey(p); }

    /** Result types of {@code p[params]} applied to operands of the given types. */
    public static List<AbstractArray> infer(Primitive p, Params params, List<AbstractArray> operands) {
        ShapeRule r = SHAPE.get(p);
        if (r == null) throw new UnsupportedOperationException("no shape rule for " + p);
        try {
            return r.infer(params, operands);
        } catch (IllegalArgumentException | IndexOutOfBoundsException | ClassCastException e) {
            // A malformed params map (missing or mistyped entry) reaches here; report it as a shape error.
            throw new ShapeError(p + ": invalid parameters " + params + " for operands " + typesText(operands)
                    + ": " + e.getMessage());
        }
    }

    /** Evaluates {@code p[params]} on concrete operands. */
    public static List<Tensor> apply(Primitive p, Params params, List<Tensor> operands) {
        Impl r = IMPL.get(p);
        if (r == null) throw new UnsupportedOperationException("no interpreter rule for " + p);
        return r.apply(params, operands);
    }

    // ---- helpers shared by the rule groups ----

    static String typesText(List<AbstractArray> types) {
        return types.stream().map(AbstractArray::toString).collect(Collectors.joining(", "));
    }

    static ShapeError shapeError(Primitive p, List<AbstractArray> in, String what) {
        return new ShapeError(p + ": " + what + " (operands: " + typesText(in) + ")");
    }

    static DTypeError dtypeError(Primitive p, List<AbstractArray> in, String what) {
        return new DTypeError(p + ": " + what + " (operands: " + typesText(in) + ")");
    }

    static void arity(Primitive p, List<AbstractArray> in, int n) {
        if (in.size() != n) throw shapeError(p, in, "expects " + n + " operand(s), got " + in.size());
    }

    /** Checks that every axis is in [0, rank) and appears once. */
    static void checkAxes(Primitive p, List<AbstractArray> in, int[] axes, int rank, String what) {
        boolean[] seen = new boolean[rank];
        for (int a : axes) {
            if (a < 0 || a >= rank) throw shapeError(p, in, what + " " + a + " is out of range for rank " + rank);
            if (seen[a]) throw shapeError(p, in, what + " " + a + " is repeated");
            seen[a] = true;
        }
    }
}
