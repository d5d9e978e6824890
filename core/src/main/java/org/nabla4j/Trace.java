package org.nabla4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Literal;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Var;

/**
 * One tracing session: while it is the innermost trace of its thread, every primitive applied to
 * arrays is recorded as an equation instead of being computed. Values from outside the trace
 * (concrete arrays, tracers of enclosing traces) become constants of the traced program; concrete
 * scalars become literals. Confined to the thread that made it.
 */
final class Trace {
    private static final ThreadLocal<ArrayDeque<Trace>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final ProgramBuilder builder = new ProgramBuilder();
    private final Thread owner = Thread.currentThread();
    private final String purpose;
    private final Map<NDArray, Var> lifted = new IdentityHashMap<>();
    private final List<NDArray> constValues = new ArrayList<>();
    private boolean ended;

    private Trace(String purpose) {
        this.purpose = purpose;
    }

    /** Starts a trace and makes it the innermost one of this thread. Pair with {@link #end()}. */
    static Trace begin(String purpose) {
        Trace t = new Trace(purpose);
        STACK.get().push(t);
        return t;
    }

    /** The innermost active trace of this thread, or null when running eagerly. */
    static Trace current() {
        return STACK.get().peek();
    }

    void end() {
        ArrayDeque<Trace> stack = STACK.get();
        if (stack.peek() != this) throw new IllegalStateException("traces ended out of order");
        stack.pop();
        ended = true;
    }

    String purpose() { return purpose; }

    NDArray newInput(AbstractArray type) {
        return NDArray.traced(this, builder.input(type), type);
    }

    /** Throws TracerLeakError if a tracer of this trace may not be used by the calling thread now. */
    void checkUsable(String op) {
        if (ended || owner != Thread.currentThread()) {
            throw new TracerLeakError(op + ": this array is a tracer of a " + purpose + " trace that has "
                    + (ended ? "ended" : "another thread") + "; a traced value escaped its transformation "
                    + "(returned through a field, a captured collection or another thread). Return it from the function instead");
        }
    }

    /** Records {@code primitive[params] operands} and returns tracers for its results. */
    List<NDArray> bind(Primitive primitive, Params params, List<NDArray> operands) {
        List<Atom> atoms = new ArrayList<>(operands.size());
        for (NDArray x : operands) atoms.add(atomOf(x));
        List<Var> results = builder.add(primitive, params, atoms);
        List<NDArray> out = new ArrayList<>(results.size());
        for (Var v : results) out.add(NDArray.traced(this, v, builder.type(v)));
        return out;
    }

    Atom atomOf(NDArray x) {
        if (x.trace() == this) return x.var();
        if (x.isConcrete() && x.ndim() == 0) return Literal.of(x.tensor());
        Var v = lifted.get(x);
        if (v == null) {
            v = builder.constVar(x.abstractType());
            lifted.put(x, v);
            constValues.add(x);
        }
        return v;
    }

    /** Finishes the program with the given outputs; constants are returned in {@link #constValues()} order. */
    Program build(List<NDArray> outputs) {
        List<Atom> outs = new ArrayList<>(outputs.size());
        for (NDArray x : outputs) outs.add(atomOf(x));
        return builder.build(outs);
    }

    /** The arrays bound to the program's constants, in order. */
    List<NDArray> constValues() { return List.copyOf(constValues); }
}
