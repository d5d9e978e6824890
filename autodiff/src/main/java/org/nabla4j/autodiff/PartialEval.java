package org.nabla4j.autodiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nabla4j.NablaException;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Var;

/**
 * Splits a program into the part computable from its known inputs alone and the part that needs
 * the unknown ones (in reverse mode: primals are known, tangents unknown). Known values the unknown
 * part reads are residuals: extra outputs of the known program and extra inputs of the unknown
 * one. This is JAX's linearize by partial evaluation; cond and scan are split branch by branch and
 * body by body ({@link ControlFlowLinearize}).
 *
 * @param known inputs: the known inputs; outputs: the known outputs, then the residuals
 * @param linear inputs: the unknown inputs, then the residuals; outputs: the other outputs
 * @param knownOutputs which of the program's outputs the known part computes
 */
record PartialEval(Program known, Program linear, int residualCount, boolean[] knownOutputs) {

    /**
     * Splits a JVP program: its first {@code primalInputs} inputs are known, the rest are tangents;
     * its first {@code primalOutputs} outputs are primal (always known), the rest go to the linear part.
     */
    static PartialEval split(Program jvp, int primalInputs, int primalOutputs) {
        boolean[] knownIn = new boolean[jvp.inputs().size()];
        for (int i = 0; i < primalInputs; i++) knownIn[i] = true;
        boolean[] forceUnknown = new boolean[jvp.outputs().size()];
        for (int i = primalOutputs; i < forceUnknown.length; i++) forceUnknown[i] = true;
        PartialEval pe = split(jvp, knownIn, forceUnknown);
        for (int i = 0; i < primalOutputs; i++) {
            if (!pe.knownOutputs()[i]) throw new IllegalStateException("primal output " + i + " depends on tangents");
        }
        return pe;
    }

    /** The general split: which inputs are known, and outputs to keep in the unknown part even if known. */
    static PartialEval split(Program p, boolean[] knownInputs, boolean[] forceUnknownOutputs) {
        return new Splitter(p).run(knownInputs, forceUnknownOutputs);
    }

    /** Which outputs of p are computable from the known inputs alone. */
    static boolean[] knownOutputs(Program p, boolean[] knownInputs) {
        boolean[] known = new boolean[p.types().size()];
        for (Var v : p.constVars()) known[v.id()] = true;
        for (int i = 0; i < knownInputs.length; i++) known[p.inputs().get(i).id()] = knownInputs[i];
        for (Equation e : p.equations()) {
            boolean[] operandKnown = new boolean[e.operands().size()];
            for (int i = 0; i < operandKnown.length; i++) operandKnown[i] = !(e.operands().get(i) instanceof Var v) || known[v.id()];
            boolean[] results = knownResults(e, operandKnown);
            for (int i = 0; i < results.length; i++) known[e.results().get(i).id()] = results[i];
        }
        boolean[] out = new boolean[p.outputs().size()];
        for (int i = 0; i < out.length; i++) out[i] = !(p.outputs().get(i) instanceof Var v) || known[v.id()];
        return out;
    }

    /**
     * Which results of {@code e} partial evaluation computes in the known program: all of them when
     * every operand is known, none otherwise — except control flow, whose results are split as
     * {@link ControlFlowLinearize} splits them (a cond's or scan's primal results stay known when
     * only tangents flow in).
     */
    static boolean[] knownResults(Equation e, boolean[] operandKnown) {
        boolean all = true;
        for (boolean k : operandKnown) all &= k;
        boolean[] out = new boolean[e.results().size()];
        java.util.Arrays.fill(out, all);
        if (all) return out;
        switch (e.primitive()) {
            case COND -> {
                if (!operandKnown[0]) return out;
                boolean[] in = java.util.Arrays.copyOfRange(operandKnown, 1, operandKnown.length);
                java.util.Arrays.fill(out, true);
                for (Program b : e.params().getPrograms("branches")) {
                    boolean[] ko = knownOutputs(b, in);
                    for (int i = 0; i < out.length; i++) out[i] &= ko[i];
                }
            }
            case SCAN -> {
                Program body = e.params().getProgram("body");
                int k = e.params().getInt("nconsts"), m = e.params().getInt("ncarry");
                boolean[] in = ControlFlowLinearize.scanKnownInputs(body, k, m, operandKnown);
                boolean[] ko = knownOutputs(body, in);
                for (int i = 0; i < m; i++) out[i] = in[k + i];
                for (int i = m; i < out.length; i++) out[i] = ko[i];
            }
            default -> { }
        }
        return out;
    }

    /** The state of one split: two builders and where each variable of p lives. */
    static final class Splitter {
        final Program p;
        final ProgramBuilder known = new ProgramBuilder();
        final ProgramBuilder linear = new ProgramBuilder();
        final Atom[] knownEnv;
        final Atom[] linearEnv;
        private final Map<Integer, Atom> residualInputs = new HashMap<>();
        private final List<Atom> residualSources = new ArrayList<>();

        Splitter(Program p) {
            this.p = p;
            this.knownEnv = new Atom[p.types().size()];
            this.linearEnv = new Atom[p.types().size()];
        }

        PartialEval run(boolean[] knownInputs, boolean[] forceUnknownOutputs) {
            for (Var v : p.constVars()) knownEnv[v.id()] = known.constVar(p.type(v));
            for (int i = 0; i < p.inputs().size(); i++) {
                Var v = p.inputs().get(i);
                if (knownInputs[i]) knownEnv[v.id()] = known.input(p.type(v));
            }
            // Unknown inputs come first in the linear program, residuals after them.
            for (int i = 0; i < p.inputs().size(); i++) {
                Var v = p.inputs().get(i);
                if (!knownInputs[i]) linearEnv[v.id()] = linear.input(p.type(v));
            }
            for (Equation e : p.equations()) {
                boolean allKnown = e.operands().stream().allMatch(a -> !(a instanceof Var v) || knownEnv[v.id()] != null);
                if (allKnown) {
                    List<Atom> ops = e.operands().stream().map(this::knownAtom).toList();
                    List<Var> out = known.add(e.primitive(), e.params(), ops);
                    for (int i = 0; i < out.size(); i++) knownEnv[e.results().get(i).id()] = out.get(i);
                } else if (e.primitive() == Primitive.COND) {
                    ControlFlowLinearize.cond(this, e);
                } else if (e.primitive() == Primitive.SCAN) {
                    ControlFlowLinearize.scan(this, e);
                } else if (e.primitive() == Primitive.WHILE) {
                    throw new NablaException("reverse-mode differentiation of a while loop with a traced trip count is not "
                            + "supported; use scan/forILoop, or whileLoop with maxSteps");
                } else {
                    List<Atom> ops = e.operands().stream().map(this::linearAtom).toList();
                    List<Var> out = linear.add(e.primitive(), e.params(), ops);
                    for (int i = 0; i < out.size(); i++) linearEnv[e.results().get(i).id()] = out.get(i);
                }
            }
            boolean[] knownOut = new boolean[p.outputs().size()];
            List<Atom> knownOuts = new ArrayList<>();
            List<Atom> linearOuts = new ArrayList<>();
            for (int i = 0; i < p.outputs().size(); i++) {
                Atom a = p.outputs().get(i);
                boolean isKnown = !(a instanceof Var v) || knownEnv[v.id()] != null;
                if (isKnown && !forceUnknownOutputs[i]) {
                    knownOut[i] = true;
                    knownOuts.add(knownAtom(a));
                } else {
                    linearOuts.add(linearAtom(a));
                }
            }
            knownOuts.addAll(residualSources);
            return new PartialEval(known.build(knownOuts), linear.build(linearOuts), residualSources.size(), knownOut);
        }

        boolean isKnown(Atom a) {
            return !(a instanceof Var v) || knownEnv[v.id()] != null;
        }

        Atom knownAtom(Atom a) {
            return a instanceof Var v ? knownEnv[v.id()] : a;
        }

        /** The atom of a in the linear program: its linear value, or a known value passed as a residual. */
        Atom linearAtom(Atom a) {
            if (!(a instanceof Var v)) return a;
            if (linearEnv[v.id()] != null) return linearEnv[v.id()];
            return residual(knownEnv[v.id()]);
        }

        /** Passes a known atom (of the known builder) to the linear program. */
        Atom residual(Atom knownValue) {
            if (!(knownValue instanceof Var kv)) return knownValue;
            return residualInputs.computeIfAbsent(kv.id(), id -> {
                residualSources.add(knownValue);
                return linear.input(known.type(knownValue));
            });
        }
    }
}
