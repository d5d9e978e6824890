package org.nabla4j;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Passes;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.batching.Vmap;

/**
 * The engine behind {@link Nabla#vmap}: per call, resolve the axis specs against the arguments'
 * pytree, find the batch size, trace the function at one batch element's types, batch the program
 * with the IR's batching pass, and evaluate it eagerly or into the enclosing trace (so vmap nests
 * and composes with jit and grad).
 */
final class Vmapped {
    private final Function<Object[], Object> body;
    private final InAxes inAxes;
    private final OutAxes outAxes;
    private final Integer axisSize;

    private Vmapped(Function<Object[], Object> body, int arity, InAxes inAxes, OutAxes outAxes, Integer axisSize) {
        if (inAxes.arity() >= 0 && inAxes.arity() != arity) {
            throw new TreeError("vmap: " + inAxes + " has " + inAxes.arity() + " entries for a function of " + arity + " argument(s)");
        }
        if (axisSize != null && axisSize < 0) throw new ShapeError("vmap: axisSize must be >= 0, got " + axisSize);
        this.body = body;
        this.inAxes = inAxes;
        this.outAxes = outAxes;
        this.axisSize = axisSize;
    }

    @SuppressWarnings("unchecked")
    static <A, R> Function<A, R> function(Function<A, R> f, InAxes in, OutAxes out, Integer axisSize) {
        Vmapped v = new Vmapped(args -> f.apply((A) args[0]), 1, in, out, axisSize);
        return a -> (R) v.call(new Object[] {a});
    }

    @SuppressWarnings("unchecked")
    static <A, B, R> BiFunction<A, B, R> biFunction(BiFunction<A, B, R> f, InAxes in, OutAxes out, Integer axisSize) {
        Vmapped v = new Vmapped(args -> f.apply((A) args[0], (B) args[1]), 2, in, out, axisSize);
        return (a, b) -> (R) v.call(new Object[] {a, b});
    }

    @SuppressWarnings("unchecked")
    static <A, B, C, R> Function3<A, B, C, R> function3(Function3<A, B, C, R> f, InAxes in, OutAxes out, Integer axisSize) {
        Vmapped v = new Vmapped(args -> f.apply((A) args[0], (B) args[1], (C) args[2]), 3, in, out, axisSize);
        return (a, b, c) -> (R) v.call(new Object[] {a, b, c});
    }

    private Object call(Object[] raw) {
        Tracing.Args args = Tracing.Args.of(raw);
        List<TreeDef> argDefs = ((TreeDef.ArgsNode) args.def()).children();
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < raw.length; i++) resolve(inAxes.spec(i), argDefs.get(i), "args[" + i + "]", "in_axes", axes);
        List<String> paths = args.def().leafPaths("args");
        List<AbstractArray> types = args.types();
        List<AbstractArray> perElement = new ArrayList<>();
        for (int i = 0; i < axes.size(); i++) {
            AbstractArray t = types.get(i);
            if (axes.get(i) != null) axes.set(i, normalize("in_axes", axes.get(i), t.rank(), paths.get(i), t));
            perElement.add(axes.get(i) == null ? t : t.withShape(without(t.shape(), axes.get(i))));
        }
        int size = batchSize(axes, types, paths);
        Tracing.Traced traced = Tracing.trace("vmap", body, args.def(), perElement);
        Program p = Passes.simplify(traced.program());
        List<Integer> outs = new ArrayList<>();
        resolve(outAxes.spec(), traced.outDef(), "result", "out_axes", outs);
        List<String> outPaths = traced.outDef().leafPaths("result");
        for (int i = 0; i < outs.size(); i++) {
            AbstractArray t = p.outputTypes().get(i);
            if (outs.get(i) != null) outs.set(i, normalize("out_axes", outs.get(i), t.rank() + 1, outPaths.get(i), t));
        }
        Program batched = Vmap.vmap(p, axes, size, outs);
        List<NDArray> out = Tracing.eval(batched, traced.consts(), args.leaves());
        return Trees.build(traced.outDef(), out.iterator());
    }

    /** The batch size: the size of every mapped axis, which must agree (with axisSize too, if given). */
    private int batchSize(List<Integer> axes, List<AbstractArray> types, List<String> paths) {
        List<String> mapped = new ArrayList<>();
        Integer size = axisSize;
        boolean consistent = true;
        for (int i = 0; i < axes.size(); i++) {
            if (axes.get(i) == null) continue;
            int n = types.get(i).shape().dim(axes.get(i));
            mapped.add(paths.get(i) + " has size " + n + " along axis " + axes.get(i));
            if (size == null) size = n;
            consistent &= n == size;
        }
        if (!consistent) {
            throw new ShapeError("vmap: the mapped axes have different sizes: " + String.join(", ", mapped)
                    + (axisSize == null ? "" : ", and axisSize is " + axisSize));
        }
        if (size == null) {
            throw new ShapeError("vmap: no argument is mapped (every in_axes entry is null), so the batch size is unknown; pass axisSize");
        }
        return size;
    }

    /**
     * Resolves an axis spec against a pytree structure, adding one entry per leaf (null: not
     * mapped) in flatten order. An Integer or null covers a whole subtree.
     */
    private static void resolve(Object spec, TreeDef def, String path, String what, List<Integer> out) {
        switch (spec) {
            case null -> { for (int i = 0; i < def.leafCount(); i++) out.add(null); }
            case Integer axis -> { for (int i = 0; i < def.leafCount(); i++) out.add(axis); }
            case List<?> specs -> {
                List<TreeDef> kids = switch (def) {
                    case TreeDef.ListNode l -> l.children();
                    case TreeDef.RegisteredNode r -> r.children();
                    default -> throw mismatch(what, path, "a list", def);
                };
                if (kids.size() != specs.size()) {
                    throw new TreeError("vmap: " + what + " at " + path + " lists " + specs.size() + " specs for " + kids.size() + " elements");
                }
                for (int i = 0; i < kids.size(); i++) resolve(specs.get(i), kids.get(i), path + "[" + i + "]", what, out);
            }
            case InAxes.Fields fields -> {
                List<String> names;
                List<String> childPaths = new ArrayList<>();
                List<TreeDef> kids;
                switch (def) {
                    case TreeDef.RecordNode r -> {
                        names = Arrays.stream(r.type().getRecordComponents()).map(RecordComponent::getName).toList();
                        names.forEach(n -> childPaths.add(path + "." + n));
                        kids = r.children();
                    }
                    case TreeDef.MapNode m -> {
                        names = m.keys();
                        names.forEach(n -> childPaths.add(path + "[\"" + n + "\"]"));
                        kids = m.children();
                    }
                    default -> throw mismatch(what, path, "fields", def);
                }
                if (!fields.byName().keySet().equals(new HashSet<>(names))) {
                    throw new TreeError("vmap: " + what + " at " + path + " names " + fields.byName().keySet() + " but " + Trees.describe(def)
                            + " has " + names + "; name every one (null for not mapped)");
                }
                for (int i = 0; i < kids.size(); i++) resolve(fields.byName().get(names.get(i)), kids.get(i), childPaths.get(i), what, out);
            }
            // Specs are validated when made; a List changed since then may still hold anything.
            default -> throw InAxes.invalid(spec, what + " at " + path);
        }
    }

    private static TreeError mismatch(String what, String path, String specKind, TreeDef def) {
        return new TreeError("vmap: " + what + " at " + path + " is " + specKind + " but the value there is " + Trees.describe(def)
                + "; give an Integer or null for a whole subtree");
    }

    /** An axis in [-rank, rank) made non-negative. */
    private static int normalize(String what, int axis, int rank, String path, AbstractArray type) {
        if (axis < -rank || axis >= rank) {
            throw new ShapeError("vmap: " + what + " " + axis + " for " + path + " is out of range for " + type
                    + (what.equals("in_axes") ? "" : " per element (batched rank " + rank + ")")
                    + (rank == 0 ? "; a scalar cannot be mapped: use null" : "; axes go from " + -rank + " to " + (rank - 1)));
        }
        return axis < 0 ? axis + rank : axis;
    }

    private static Shape without(Shape s, int axis) {
        int[] d = s.dims();
        int[] out = new int[d.length - 1];
        System.arraycopy(d, 0, out, 0, axis);
        System.arraycopy(d, axis + 1, out, axis, out.length - axis);
        return Shape.of(out);
    }
}
