package org.nabla4j.autodiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Var;

/**
 * Splits a JVP program into the part computable from primal inputs alone ("known") and the part
 * that needs tangents ("linear"). Known values the linear part reads are residuals: extra outputs of
 * the known program and extra inputs of the linear one. This is JAX's linearize by partial
 * evaluation.
 *
 * @param known inputs: the primal inputs; outputs: the primal outputs, then the residuals
 * @param linear inputs: the tangent inputs, then the residuals; outputs: the tangent outputs
 */
record PartialEval(Program known, Program linear, int residualCount) {

    /**
     * @param jvp a program from {@link Jvp#jvp}
     * @param primalInputs how many of its inputs are primal (the rest are tangents)
     * @param primalOutputs how many of its outputs are primal (the rest are tangents)
     */
    static PartialEval split(Program jvp, int primalInputs, int primalOutputs) {
        ProgramBuilder kb = new ProgramBuilder();
        ProgramBuilder lb = new ProgramBuilder();
        int n = jvp.types().size();
        Atom[] knownEnv = new Atom[n];
        Atom[] linearEnv = new Atom[n];
        for (Var v : jvp.constVars()) knownEnv[v.id()] = kb.constVar(jvp.type(v));
        for (int i = 0; i < jvp.inputs().size(); i++) {
            Var v = jvp.inputs().get(i);
            if (i < primalInputs) knownEnv[v.id()] = kb.input(jvp.type(v));
            else linearEnv[v.id()] = lb.input(jvp.type(v));
        }
        Map<Integer, Atom> residualInputs = new HashMap<>();
        List<Atom> residualSources = new ArrayList<>();
        for (Equation e : jvp.equations()) {
            boolean allKnown = true;
            for (Atom a : e.operands()) {
                if (a instanceof Var v && knownEnv[v.id()] == null) allKnown = false;
            }
            if (allKnown) {
                List<Atom> ops = e.operands().stream().map(a -> a instanceof Var v ? knownEnv[v.id()] : a).toList();
                List<Var> out = kb.add(e.primitive(), e.params(), ops);
                for (int i = 0; i < out.size(); i++) knownEnv[e.results().get(i).id()] = out.get(i);
            } else {
                List<Atom> ops = new ArrayList<>();
                for (Atom a : e.operands()) {
                    ops.add(a instanceof Var v ? (linearEnv[v.id()] != null ? linearEnv[v.id()]
                            : residual(v, jvp, lb, knownEnv, residualInputs, residualSources)) : a);
                }
                List<Var> out = lb.add(e.primitive(), e.params(), ops);
                for (int i = 0; i < out.size(); i++) linearEnv[e.results().get(i).id()] = out.get(i);
            }
        }
        List<Atom> linearOuts = new ArrayList<>();
        for (Atom a : jvp.outputs().subList(primalOutputs, jvp.outputs().size())) {
            if (a instanceof Var v) {
                linearOuts.add(linearEnv[v.id()] != null ? linearEnv[v.id()] : residual(v, jvp, lb, knownEnv, residualInputs, residualSources));
            } else {
                linearOuts.add(a);
            }
        }
        List<Atom> knownOuts = new ArrayList<>();
        for (Atom a : jvp.outputs().subList(0, primalOutputs)) knownOuts.add(a instanceof Var v ? knownEnv[v.id()] : a);
        knownOuts.addAll(residualSources);
        return new PartialEval(kb.build(knownOuts), lb.build(linearOuts), residualSources.size());
    }

    private static Atom residual(Var v, Program jvp, ProgramBuilder lb, Atom[] knownEnv, Map<Integer, Atom> inputs, List<Atom> sources) {
        return inputs.computeIfAbsent(v.id(), id -> {
            sources.add(knownEnv[id]);
            return lb.input(jvp.type(v));
        });
    }
}
