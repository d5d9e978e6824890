package org.nabla4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Literal;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Tensor;
import org.nabla4j.ir.Var;

/** Turning Java functions into programs, and programs back into operations on arrays. */
final class Tracing {
    private Tracing() {}

    /** A traced function: its program, the arrays bound to the program's constants, and its result structure. */
    record Traced(Program program, List<NDArray> consts, TreeDef outDef) {
        /** True when every constant is a concrete array, so the program can be reused outside this trace. */
        boolean isClosed() {
            return consts.stream().allMatch(NDArray::isConcrete);
        }
    }

    /**
     * Runs {@code body} on tracers of the given types arranged as {@code inDef} and records what it
     * does.
     */
    static Traced trace(String purpose, Function<Object[], Object> body, TreeDef inDef, List<AbstractArray> inTypes) {
        Trace t = Trace.begin(purpose);
        try {
            List<NDArray> inputs = new ArrayList<>(inTypes.size());
            for (AbstractArray type : inTypes) inputs.add(t.newInput(type));
            Object[] args = (Object[]) Trees.build(inDef, inputs.iterator());
            Object out = body.apply(args);
            List<NDArray> outLeaves = new ArrayList<>();
            TreeDef outDef = Trees.flattenLenient(out, outLeaves, "result");
            Program p = t.build(outLeaves);
            return new Traced(p, t.constValues(), outDef);
        } finally {
            t.end();
        }
    }

    /** Flattened call arguments: their structure (static values included) and array leaves. */
    record Args(TreeDef def, List<NDArray> leaves) {
        static Args of(Object[] args) {
            List<NDArray> leaves = new ArrayList<>();
            TreeDef def = Trees.flattenLenient(args, leaves, "args");
            return new Args(def, leaves);
        }

        List<AbstractArray> types() {
            AbstractArray[] t = new AbstractArray[leaves.size()];
            for (int i = 0; i < t.length; i++) t[i] = leaves.get(i).abstractType();
            return Arrays.asList(t);
        }

        boolean anyTraced() {
            for (NDArray x : leaves) if (!x.isConcrete()) return true;
            return false;
        }
    }

    /**
     * Evaluates {@code p} by applying its equations to arrays: eagerly, or recording them into the
     * current trace (this is how a program is inlined into an enclosing transformation).
     */
    static List<NDArray> eval(Program p, List<NDArray> consts, List<NDArray> args) {
        NDArray[] env = new NDArray[p.types().size()];
        for (int i = 0; i < consts.size(); i++) env[p.constVars().get(i).id()] = consts.get(i);
        for (int i = 0; i < args.size(); i++) env[p.inputs().get(i).id()] = args.get(i);
        for (Equation e : p.equations()) {
            List<NDArray> in = new ArrayList<>(e.operands().size());
            for (Atom a : e.operands()) in.add(read(env, a));
            List<NDArray> out = Ops.bind(e.primitive(), e.params(), in);
            for (int i = 0; i < out.size(); i++) env[e.results().get(i).id()] = out.get(i);
        }
        List<NDArray> results = new ArrayList<>(p.outputs().size());
        for (Atom a : p.outputs()) results.add(read(env, a));
        return results;
    }

    private static NDArray read(NDArray[] env, Atom a) {
        return switch (a) {
            case Var v -> env[v.id()];
            case Literal l -> NDArray.concrete(Tensor.of(l));
        };
    }
}
