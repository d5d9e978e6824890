package org.nabla4j.ir.batching;

import java.util.ArrayList;
import java.util.List;
import org.nabla4j.ShapeError;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Var;

/**
 * The batching pass (DESIGN §3): from a program for one example, a program for a batch of them.
 * Every value of the new program carries its batch axis or is not mapped (the same for every
 * batch element); each equation with a mapped operand is rewritten by its primitive's batching
 * rule into ordinary primitives, never into a loop, so the result's equation count does not
 * depend on the batch size. Equations without mapped operands are copied unchanged.
 *
 * <pre>{@code
 * // p: { lambda ; a:f32[3] b:f32[3]. let c:f32[] = dot_general[…] a b in (c) }
 * Program batched = Vmap.vmap(p, Arrays.asList(0, null), 8, List.of(0));
 * // batched: { lambda ; a:f32[8,3] b:f32[3]. … in (c:f32[8]) }
 * }</pre>
 */
public final class Vmap {
    private Vmap() {}

    /**
     * Batches {@code p} over an axis of {@code axisSize}.
     *
     * @param inAxes one per input of {@code p}: where the batched program's input has the batch
     *     axis (in {@code [0, rank]} of the unbatched input), or null when the input is not mapped.
     *     Constants are never mapped.
     * @param outAxes one per output: where the batched output has its batch axis (an unmapped
     *     output is broadcast along it, as JAX does), or null when the output must not be mapped
     * @throws ShapeError if an axis is out of range or an output with a null out axis is mapped
     */
    public static Program vmap(Program p, List<Integer> inAxes, int axisSize, List<Integer> outAxes) {
        if (inAxes.size() != p.inputs().size() || outAxes.size() != p.outputs().size()) {
            throw new IllegalArgumentException("vmap: the program has " + p.inputs().size() + " inputs and " + p.outputs().size()
                    + " outputs, but " + inAxes.size() + " in axes and " + outAxes.size() + " out axes were given");
        }
        if (axisSize < 0) throw new ShapeError("vmap: negative axis size " + axisSize);
        ProgramBuilder pb = new ProgramBuilder();
        Batcher b = new Batcher(new Emitter(pb), axisSize);
        Batched[] env = new Batched[p.types().size()];
        for (Var v : p.constVars()) env[v.id()] = Batched.unmapped(pb.constVar(p.type(v)));
        for (int i = 0; i < p.inputs().size(); i++) {
            Var v = p.inputs().get(i);
            AbstractArray t = p.type(v);
            Integer axis = inAxes.get(i);
            if (axis == null) {
                env[v.id()] = Batched.unmapped(pb.input(t));
            } else {
                checkAxis("in", i, axis, t);
                env[v.id()] = new Batched(pb.input(t.withShape(Batcher.insert(t.shape(), axis, axisSize))), axis);
            }
        }
        for (Equation e : p.equations()) {
            List<Batched> in = e.operands().stream().map(a -> read(env, a)).toList();
            List<Batched> out = in.stream().anyMatch(Batched::isMapped)
                    ? BatchingRules.get(e.primitive()).apply(b, e.params(), in)
                    : b.copy(e.primitive(), e.params(), in);
            for (int i = 0; i < out.size(); i++) env[e.results().get(i).id()] = out.get(i);
        }
        List<Atom> outs = new ArrayList<>(p.outputs().size());
        for (int i = 0; i < p.outputs().size(); i++) {
            Batched o = read(env, p.outputs().get(i));
            Integer axis = outAxes.get(i);
            if (axis == null) {
                if (o.isMapped()) {
                    throw new ShapeError("vmap: output " + i + " (" + p.type(p.outputs().get(i)) + " per element) depends on a mapped input,"
                            + " so its out axis cannot be null");
                }
                outs.add(o.atom());
            } else {
                checkAxis("out", i, axis, p.type(p.outputs().get(i)));
                outs.add(b.materialize(o, axis));
            }
        }
        return pb.build(outs);
    }

    /** Whether {@code p} has a batching rule; every primitive has one (a test walks them all). */
    public static boolean hasRule(Primitive p) { return BatchingRules.has(p); }

    private static Batched read(Batched[] env, Atom a) {
        return a instanceof Var v ? env[v.id()] : Batched.unmapped(a);
    }

    private static void checkAxis(String what, int index, int axis, AbstractArray unbatched) {
        if (axis < 0 || axis > unbatched.rank()) {
            throw new ShapeError("vmap: " + what + " axis " + axis + " of " + what + "put " + index + " is out of range for "
                    + unbatched + " per element (the batched value has rank " + (unbatched.rank() + 1) + ")");
        }
    }
}
