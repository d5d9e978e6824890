package org.nabla4j.autodiff;

import java.util.ArrayList;
import java.util.List;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Var;

/**
 * Forward mode as a program transform. Given {@code p} and a mask of the inputs to differentiate,
 * builds a program with inputs {@code [p's inputs…, one tangent per masked input…]} and outputs
 * {@code [p's outputs…, one tangent per output…]}. Tangents are symbolic zeros until a masked
 * input reaches them, so untouched work is never emitted; constants have zero tangents.
 */
final class Jvp {
    private Jvp() {}

    static Program jvp(Program p, boolean[] wrt) {
        ProgramBuilder b = new ProgramBuilder();
        Emitter e = new Emitter(b);
        Atom[] primal = new Atom[p.types().size()];
        Atom[] tangent = new Atom[p.types().size()];
        for (Var v : p.constVars()) primal[v.id()] = b.constVar(p.type(v));
        for (Var v : p.inputs()) primal[v.id()] = b.input(p.type(v));
        for (int i = 0; i < p.inputs().size(); i++) {
            if (wrt[i]) {
                Var v = p.inputs().get(i);
                tangent[v.id()] = b.input(p.type(v));
            }
        }
        for (Equation eq : p.equations()) {
            List<Atom> x = new ArrayList<>(eq.operands().size());
            List<Atom> t = new ArrayList<>(eq.operands().size());
            boolean anyTangent = false;
            for (Atom a : eq.operands()) {
                x.add(a instanceof Var v ? primal[v.id()] : a);
                Atom ta = a instanceof Var v ? tangent[v.id()] : null;
                t.add(ta);
                anyTangent |= ta != null;
            }
            if (anyTangent && JvpRules.JOINT.containsKey(eq.primitive())) {
                // Control flow: one equation computes primals and tangents together.
                ControlFlowJvp.Result r = JvpRules.JOINT.get(eq.primitive()).apply(e, eq.params(), x, t);
                for (int i = 0; i < eq.results().size(); i++) {
                    primal[eq.results().get(i).id()] = r.primals().get(i);
                    tangent[eq.results().get(i).id()] = r.tangents().get(i);
                }
                continue;
            }
            List<Var> y = b.add(eq.primitive(), eq.params(), x);
            for (int i = 0; i < y.size(); i++) primal[eq.results().get(i).id()] = y.get(i);
            if (!anyTangent || JvpRules.ZERO_DERIVATIVE.contains(eq.primitive())) continue;
            JvpRule rule = JvpRules.get(eq.primitive());
            if (rule == null) throw new UnsupportedOperationException("no JVP rule for " + eq.primitive());
            List<Atom> ty = rule.apply(e, eq.params(), x, t, List.copyOf(y));
            for (int i = 0; i < ty.size(); i++) tangent[eq.results().get(i).id()] = ty.get(i);
        }
        List<Atom> outs = new ArrayList<>();
        for (Atom a : p.outputs()) outs.add(a instanceof Var v ? primal[v.id()] : a);
        for (Atom a : p.outputs()) {
            Atom ta = a instanceof Var v ? tangent[v.id()] : null;
            AbstractArray type = p.type(a);
            outs.add(ta != null ? ta : e.zeros(type));
        }
        return b.build(outs);
    }
}
