package org.nabla4j.autodiff;

import java.util.ArrayList;
import java.util.List;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Var;

/**
 * Transposes a linear program. The input program takes {@code [linear inputs…, residuals…]};
 * the result takes {@code [residuals…, one cotangent per output…]} and returns one cotangent per
 * linear input. Cotangents are accumulated where a value is used several times; equations whose
 * results have zero cotangent are skipped.
 */
final class Transpose {
    private Transpose() {}

    static Program transpose(Program linear, int linearInputs) {
        ProgramBuilder b = new ProgramBuilder();
        Emitter e = new Emitter(b);
        int n = linear.types().size();
        Atom[] known = new Atom[n];
        boolean[] isLinear = new boolean[n];
        for (int i = 0; i < linear.inputs().size(); i++) {
            Var v = linear.inputs().get(i);
            if (i < linearInputs) isLinear[v.id()] = true; else known[v.id()] = b.input(linear.type(v));
        }
        for (Var v : linear.constVars()) known[v.id()] = b.constVar(linear.type(v));
        // Equations that read only known values are recomputed forward; the rest are linear.
        List<Equation> linearEqs = new ArrayList<>();
        for (Equation eq : linear.equations()) {
            boolean anyLinear = eq.operands().stream().anyMatch(a -> a instanceof Var v && isLinear[v.id()]);
            if (anyLinear) {
                linearEqs.add(eq);
                for (Var r : eq.results()) isLinear[r.id()] = true;
            } else {
                List<Atom> ops = eq.operands().stream().map(a -> a instanceof Var v ? known[v.id()] : a).toList();
                List<Var> out = b.add(eq.primitive(), eq.params(), ops);
                for (int i = 0; i < out.size(); i++) known[eq.results().get(i).id()] = out.get(i);
            }
        }
        Atom[] ct = new Atom[n];
        for (Atom out : linear.outputs()) {
            Var ctIn = b.input(linear.type(out));
            if (out instanceof Var v && isLinear[v.id()]) accumulate(e, ct, v, ctIn);
        }
        for (int k = linearEqs.size() - 1; k >= 0; k--) {
            Equation eq = linearEqs.get(k);
            if (eq.primitive() == Primitive.COND || eq.primitive() == Primitive.SCAN) {
                transposeControlFlow(e, eq, linear, known, isLinear, ct);
                continue;
            }
            if (eq.results().size() != 1) throw new IllegalStateException(eq.primitive() + " with several results cannot be linear");
            Atom ctOut = ct[eq.result().id()];
            if (ctOut == null) continue;
            TransposeRule rule = TransposeRules.get(eq.primitive());
            if (rule == null) throw new IllegalStateException("no transpose rule for " + eq.primitive() + ": it is not linear");
            Operands ops = Operands.of(eq, linear, known, isLinear);
            ops.accumulate(e, eq, ct, rule.apply(e, eq.params(), ops.x(), ops.types(), ops.lin(), ctOut));
        }
        List<Atom> outs = new ArrayList<>();
        for (int i = 0; i < linearInputs; i++) {
            Var v = linear.inputs().get(i);
            outs.add(ct[v.id()] != null ? ct[v.id()] : e.zeros(linear.type(v)));
        }
        return b.build(outs);
    }

    private static void transposeControlFlow(Emitter e, Equation eq, Program linear, Atom[] known, boolean[] isLinear, Atom[] ct) {
        List<Atom> cts = new ArrayList<>();
        boolean any = false;
        for (Var r : eq.results()) {
            cts.add(ct[r.id()]);
            any |= ct[r.id()] != null;
        }
        if (!any) return;
        Operands ops = Operands.of(eq, linear, known, isLinear);
        List<AbstractArray> resultTypes = eq.results().stream().map(linear::type).toList();
        List<Atom> opCts = eq.primitive() == Primitive.COND
                ? ControlFlowLinearize.transposeCond(e, eq, ops.x(), ops.lin(), cts, resultTypes)
                : ControlFlowLinearize.transposeScan(e, eq, ops.x(), ops.lin(), cts, ops.types(), resultTypes);
        ops.accumulate(e, eq, ct, opCts);
    }

    /** An equation's operands as the rules see them: known atoms, null at linear positions, and every operand's type. */
    private record Operands(List<Atom> x, List<AbstractArray> types, boolean[] lin) {
        static Operands of(Equation eq, Program linear, Atom[] known, boolean[] isLinear) {
            List<Atom> x = new ArrayList<>();
            List<AbstractArray> types = new ArrayList<>();
            boolean[] lin = new boolean[eq.operands().size()];
            for (int i = 0; i < lin.length; i++) {
                Atom a = eq.operands().get(i);
                lin[i] = a instanceof Var v && isLinear[v.id()];
                x.add(lin[i] ? null : (a instanceof Var v ? known[v.id()] : a));
                types.add(linear.type(a));
            }
            return new Operands(x, types, lin);
        }

        /** Adds each linear operand's cotangent to its running total. */
        void accumulate(Emitter e, Equation eq, Atom[] ct, List<Atom> cts) {
            for (int i = 0; i < lin.length; i++) {
                if (lin[i] && cts.get(i) != null) Transpose.accumulate(e, ct, (Var) eq.operands().get(i), cts.get(i));
            }
        }
    }

    private static void accumulate(Emitter e, Atom[] ct, Var v, Atom c) {
        ct[v.id()] = ct[v.id()] == null ? c : e.add(ct[v.id()], c);
    }
}
