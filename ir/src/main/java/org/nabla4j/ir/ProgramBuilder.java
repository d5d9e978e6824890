package org.nabla4j.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link Program} equation by equation, inferring each result type with the primitive's
 * shape rule (so an ill-typed equation fails here, with the rule's error). Variables may be created
 * in any order (a tracer discovers constants late); {@link #build} renumbers them canonically.
 * Not thread-safe.
 */
public final class ProgramBuilder {
    private final List<AbstractArray> types = new ArrayList<>();
    private final List<Var> constVars = new ArrayList<>();
    private final List<Var> inputs = new ArrayList<>();
    private final List<Equation> equations = new ArrayList<>();

    public Var constVar(AbstractArray type) {
        Var v = fresh(type);
        constVars.add(v);
        return v;
    }

    public Var input(AbstractArray type) {
        Var v = fresh(type);
        inputs.add(v);
        return v;
    }

    public AbstractArray type(Atom a) {
        return switch (a) {
            case Var v -> types.get(v.id());
            case Literal l -> l.type();
        };
    }

    /** Appends {@code primitive[params] operands} and returns its result variables. */
    public List<Var> add(Primitive primitive, Params params, List<? extends Atom> operands) {
        for (Atom a : operands) {
            if (a instanceof Var v && v.id() >= types.size()) {
                throw new IllegalArgumentException("operand " + v + " of " + primitive + " is not defined in this builder");
            }
        }
        List<AbstractArray> in = operands.stream().map(this::type).toList();
        List<AbstractArray> out = PrimitiveRules.infer(primitive, params, in);
        List<Var> results = new ArrayList<>(out.size());
        for (AbstractArray t : out) results.add(fresh(t));
        equations.add(new Equation(primitive, params, List.copyOf(operands), results));
        return results;
    }

    /** {@link #add} for primitives with exactly one result. */
    public Var add1(Primitive primitive, Params params, Atom... operands) {
        List<Var> r = add(primitive, params, List.of(operands));
        if (r.size() != 1) throw new IllegalArgumentException(primitive + " has " + r.size() + " results");
        return r.getFirst();
    }

    public int equationCount() { return equations.size(); }

    /**
     * Appends the equations of {@code p} with its constants bound to {@code consts} and its inputs
     * to {@code args} (atoms of this builder); returns the atoms of its outputs.
     */
    public List<Atom> inline(Program p, List<? extends Atom> consts, List<? extends Atom> args) {
        if (consts.size() != p.constVars().size() || args.size() != p.inputs().size()) {
            throw new IllegalArgumentException("inline: program takes " + p.constVars().size() + " constants and "
                    + p.inputs().size() + " inputs, got " + consts.size() + " and " + args.size());
        }
        Atom[] env = new Atom[p.types().size()];
        for (int i = 0; i < consts.size(); i++) env[p.constVars().get(i).id()] = consts.get(i);
        for (int i = 0; i < args.size(); i++) env[p.inputs().get(i).id()] = args.get(i);
        for (Equation e : p.equations()) {
            List<Atom> ops = new ArrayList<>(e.operands().size());
            for (Atom a : e.operands()) ops.add(a instanceof Var v ? env[v.id()] : a);
            List<Var> out = add(e.primitive(), e.params(), ops);
            for (int i = 0; i < out.size(); i++) env[e.results().get(i).id()] = out.get(i);
        }
        List<Atom> outs = new ArrayList<>(p.outputs().size());
        for (Atom a : p.outputs()) outs.add(a instanceof Var v ? env[v.id()] : a);
        return outs;
    }

    /** Finishes the program; variables are renumbered to the canonical order. */
    public Program build(List<? extends Atom> outputs) {
        int[] remap = new int[types.size()];
        java.util.Arrays.fill(remap, -1);
        List<AbstractArray> newTypes = new ArrayList<>(types.size());
        List<Var> newConsts = new ArrayList<>();
        List<Var> newInputs = new ArrayList<>();
        for (Var v : constVars) newConsts.add(renumber(v, remap, newTypes));
        for (Var v : inputs) newInputs.add(renumber(v, remap, newTypes));
        List<Equation> newEqs = new ArrayList<>(equations.size());
        for (Equation e : equations) {
            List<Atom> ops = e.operands().stream().map(a -> remapAtom(a, remap)).toList();
            List<Var> res = new ArrayList<>();
            for (Var v : e.results()) res.add(renumber(v, remap, newTypes));
            newEqs.add(new Equation(e.primitive(), e.params(), ops, res));
        }
        List<Atom> outs = outputs.stream().map(a -> remapAtom(a, remap)).toList();
        return new Program(newConsts, newInputs, newEqs, outs, newTypes);
    }

    private Var fresh(AbstractArray type) {
        Var v = new Var(types.size());
        types.add(type);
        return v;
    }

    private Var renumber(Var v, int[] remap, List<AbstractArray> newTypes) {
        remap[v.id()] = newTypes.size();
        newTypes.add(types.get(v.id()));
        return new Var(remap[v.id()]);
    }

    private static Atom remapAtom(Atom a, int[] remap) {
        if (a instanceof Var v) {
            int id = remap[v.id()];
            if (id < 0) throw new IllegalStateException("var " + v + " is used before it is defined");
            return new Var(id);
        }
        return a;
    }
}
