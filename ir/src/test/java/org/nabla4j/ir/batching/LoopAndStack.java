package org.nabla4j.ir.batching;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.PrimitiveRules;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Tensor;

/**
 * The oracle of the batching pass: run a function once per batch element on that element's slice
 * of each mapped argument, and stack the results along the out axes. Also random arguments.
 */
final class LoopAndStack {
    private LoopAndStack() {}

    /** A program as a function of its arguments, under the interpreter. */
    static Function<List<Tensor>, List<Tensor>> interpret(Program p, List<Tensor> consts) {
        return args -> Interpreter.run(p, consts, args);
    }

    /** {@code f} applied to each batch element of {@code args}, results stacked along {@code outAxes}. */
    static List<Tensor> apply(Function<List<Tensor>, List<Tensor>> f, List<Tensor> args, List<Integer> inAxes, int size,
                              List<Integer> outAxes) {
        List<List<Tensor>> perElement = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            List<Tensor> slice = new ArrayList<>();
            for (int a = 0; a < args.size(); a++) {
                Integer axis = inAxes.get(a);
                slice.add(axis == null ? args.get(a) : take(args.get(a), axis, i));
            }
            perElement.add(f.apply(slice));
        }
        List<Tensor> out = new ArrayList<>();
        for (int j = 0; j < outAxes.size(); j++) {
            final int jj = j;
            out.add(stack(perElement.stream().map(r -> r.get(jj)).toList(), outAxes.get(j)));
        }
        return out;
    }

    /** Element {@code i} along {@code axis}, that axis removed. */
    static Tensor take(Tensor x, int axis, int i) {
        int[] start = new int[x.shape().rank()], limit = x.shape().dims(), strides = new int[start.length];
        java.util.Arrays.fill(strides, 1);
        start[axis] = i;
        limit[axis] = i + 1;
        Tensor s = apply1(Primitive.SLICE, Params.of("start", start, "limit", limit, "strides", strides), x);
        return apply1(Primitive.SQUEEZE, Params.of("dims", new int[] {axis}), s);
    }

    /** Tensors of one type joined along a new axis. */
    static Tensor stack(List<Tensor> xs, int axis) {
        List<Tensor> expanded = xs.stream().map(x -> apply1(Primitive.EXPAND_DIMS, Params.of("dims", new int[] {axis}), x)).toList();
        return PrimitiveRules.apply(Primitive.CONCATENATE, Params.of("dimension", axis), expanded).getFirst();
    }

    /** {@code size} random values of type {@code t} stacked along {@code axis}, or one value when axis is null. */
    static Tensor batchedArgument(Random r, AbstractArray t, Integer axis, int size) {
        if (axis == null) return random(r, t);
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < size; i++) xs.add(random(r, t));
        return stack(xs, axis);
    }

    /**
     * Random values: floats are multiples of 1/4 in [-3, 3] (ties are common, for argmax and
     * sort) and sometimes NaN; integers are in [-2, 6], so as indices some are out of range.
     */
    static Tensor random(Random r, AbstractArray t) {
        int n = t.shape().size();
        Object data = Tensor.allocate(t.dtype(), n);
        for (int i = 0; i < n; i++) {
            switch (t.dtype()) {
                case BOOL -> Tensor.setBool(data, i, r.nextBoolean());
                case I32, I64 -> Tensor.setLong(data, i, r.nextInt(9) - 2);
                case F32, F64 -> Tensor.setDouble(data, i, r.nextInt(40) == 0 ? Double.NaN : (r.nextInt(25) - 12) / 4.0);
            }
        }
        return Tensor.wrap(t, data);
    }

    private static Tensor apply1(Primitive p, Params params, Tensor x) {
        return PrimitiveRules.apply(p, params, List.of(x)).getFirst();
    }
}
