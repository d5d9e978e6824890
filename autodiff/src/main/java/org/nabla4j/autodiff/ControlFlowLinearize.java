package org.nabla4j.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Emitter;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Passes;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Var;

/**
 * Reverse mode of cond and scan, as in JAX. Partial evaluation splits each branch (or the scan
 * body) into a known and a linear part: the known cond/scan computes primals and residuals (a scan
 * stacks its residuals per iteration), the linear one maps tangents to tangents. Transposition then
 * turns a linear cond into a cond of transposed branches, and a linear scan into a scan running the
 * other way whose carry holds the carry's cotangent and the accumulated cotangent of the constants.
 */
final class ControlFlowLinearize {
    private ControlFlowLinearize() {}

    // ---- partial evaluation ----

    static void cond(PartialEval.Splitter s, Equation e) {
        List<Atom> ops = e.operands().subList(1, e.operands().size());
        if (!s.isKnown(e.operands().getFirst())) throw new IllegalStateException("cond index depends on tangents");
        boolean[] knownIn = new boolean[ops.size()];
        for (int i = 0; i < knownIn.length; i++) knownIn[i] = s.isKnown(ops.get(i));
        List<Program> branches = e.params().getPrograms("branches");
        int nOut = e.results().size();
        boolean[] knownOut = new boolean[nOut];
        Arrays.fill(knownOut, true);
        for (Program b : branches) {
            boolean[] ko = PartialEval.knownOutputs(b, knownIn);
            for (int i = 0; i < nOut; i++) knownOut[i] &= ko[i];
        }
        boolean[] force = not(knownOut);
        List<PartialEval> splits = new ArrayList<>();
        for (Program b : branches) splits.add(PartialEval.split(b, knownIn, force));
        // Every known branch returns the residuals of all branches (zeros for the others'), so they share one type.
        List<AbstractArray> residualTypes = new ArrayList<>();
        int[] residualStart = new int[branches.size()];
        for (int k = 0; k < splits.size(); k++) {
            residualStart[k] = residualTypes.size();
            Program kp = splits.get(k).known();
            residualTypes.addAll(kp.outputTypes().subList(kp.outputs().size() - splits.get(k).residualCount(), kp.outputs().size()));
        }
        List<Atom> knownOps = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) if (knownIn[i]) knownOps.add(ops.get(i));
        List<Program> knownBranches = new ArrayList<>();
        List<Program> linearBranches = new ArrayList<>();
        for (int k = 0; k < splits.size(); k++) {
            PartialEval sp = splits.get(k);
            knownBranches.add(Passes.simplify(padResiduals(sp.known(), sp.residualCount(), residualTypes, residualStart[k])));
            linearBranches.add(Passes.simplify(selectResiduals(sp.linear(), sp.residualCount(), residualTypes, residualStart[k])));
        }
        List<Atom> kOperands = new ArrayList<>();
        kOperands.add(s.knownAtom(e.operands().getFirst()));
        for (Atom a : knownOps) kOperands.add(s.knownAtom(a));
        List<Var> kResults = s.known.add(Primitive.COND, Params.of("branches", knownBranches), kOperands);
        int j = 0;
        for (int i = 0; i < nOut; i++) if (knownOut[i]) s.knownEnv[e.results().get(i).id()] = kResults.get(j++);
        List<Atom> residuals = new ArrayList<>(kResults.subList(j, kResults.size()));

        List<Atom> lOperands = new ArrayList<>();
        lOperands.add(s.residual(s.knownAtom(e.operands().getFirst())));
        for (int i = 0; i < ops.size(); i++) if (!knownIn[i]) lOperands.add(s.linearAtom(ops.get(i)));
        for (Atom r : residuals) lOperands.add(s.residual(r));
        List<Var> lResults = s.linear.add(Primitive.COND, Params.of("branches", linearBranches), lOperands);
        j = 0;
        for (int i = 0; i < nOut; i++) if (!knownOut[i]) s.linearEnv[e.results().get(i).id()] = lResults.get(j++);
    }

    /** A known branch returning [its outputs…, all branches' residuals…], with zeros outside its own slice. */
    private static Program padResiduals(Program known, int own, List<AbstractArray> all, int start) {
        ProgramBuilder b = new ProgramBuilder();
        Emitter e = new Emitter(b);
        List<Atom> ins = new ArrayList<>();
        for (Var v : known.inputs()) ins.add(b.input(known.type(v)));
        List<Atom> outs = b.inline(known, List.of(), ins);
        int n = outs.size() - own;
        List<Atom> result = new ArrayList<>(outs.subList(0, n));
        for (int r = 0; r < all.size(); r++) {
            result.add(r >= start && r < start + own ? outs.get(n + r - start) : e.zeros(all.get(r)));
        }
        return b.build(result);
    }

    /** A linear branch taking [its unknown inputs…, all branches' residuals…] and using its own slice. */
    private static Program selectResiduals(Program linear, int own, List<AbstractArray> all, int start) {
        ProgramBuilder b = new ProgramBuilder();
        int unknown = linear.inputs().size() - own;
        List<Atom> ins = new ArrayList<>();
        for (int i = 0; i < unknown; i++) ins.add(b.input(linear.type(linear.inputs().get(i))));
        List<Atom> res = new ArrayList<>();
        for (AbstractArray t : all) res.add(b.input(t));
        List<Atom> args = new ArrayList<>(ins);
        args.addAll(res.subList(start, start + own));
        return b.build(b.inline(linear, List.of(), args));
    }

    static void scan(PartialEval.Splitter s, Equation e) {
        Params p = e.params();
        Program body = p.getProgram("body");
        int k = p.getInt("nconsts"), m = p.getInt("ncarry"), n = p.getInt("length");
        List<Atom> ops = e.operands();
        boolean[] operandKnown = new boolean[ops.size()];
        for (int i = 0; i < operandKnown.length; i++) operandKnown[i] = s.isKnown(ops.get(i));
        boolean[] knownIn = scanKnownInputs(body, k, m, operandKnown);
        int nOut = body.outputs().size();
        boolean[] force = new boolean[nOut];
        for (int i = 0; i < m; i++) force[i] = !knownIn[k + i];
        PartialEval sp = PartialEval.split(body, knownIn, force);
        boolean[] knownOut = sp.knownOutputs();
        int kk = count(knownIn, 0, k), mk = count(knownIn, k, m);
        Program known = Passes.simplify(sp.known());
        int nKnownOut = known.outputs().size() - sp.residualCount();
        // Residuals that are the body's known constants are the same every iteration: the linear scan
        // takes them as constants rather than a stack of one copy per step.
        List<Integer> invariant = new ArrayList<>(), stacked = new ArrayList<>();
        int[] constOf = new int[sp.residualCount()];
        for (int r = 0; r < constOf.length; r++) {
            Atom a = known.outputs().get(nKnownOut + r);
            constOf[r] = a instanceof Var v ? known.inputs().subList(0, kk).indexOf(v) : -1;
            (constOf[r] >= 0 ? invariant : stacked).add(r);
        }
        List<Atom> knownOuts = new ArrayList<>(known.outputs().subList(0, nKnownOut));
        for (int r : stacked) knownOuts.add(known.outputs().get(nKnownOut + r));
        Program knownBody = Passes.simplify(new Program(known.constVars(), known.inputs(), known.equations(), knownOuts, known.types()));
        List<Atom> kOperands = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) if (knownIn[i]) kOperands.add(s.knownAtom(ops.get(i)));
        Params kp = Params.of("body", knownBody, "length", n, "reverse", p.getBool("reverse"), "nconsts", kk, "ncarry", mk);
        List<Var> kResults = s.known.add(Primitive.SCAN, kp, kOperands);
        int j = 0;
        for (int i = 0; i < e.results().size(); i++) if (knownOut[i]) s.knownEnv[e.results().get(i).id()] = kResults.get(j++);
        List<Atom> residualStacks = new ArrayList<>(kResults.subList(j, kResults.size()));

        // The linear body takes [invariant residuals…, unknown inputs…, stacked residuals…].
        Program linear = sp.linear();
        int unknown = linear.inputs().size() - sp.residualCount();
        int[] order = new int[linear.inputs().size()];
        int o = 0;
        for (int r : invariant) order[o++] = unknown + r;
        for (int i = 0; i < unknown; i++) order[o++] = i;
        for (int r : stacked) order[o++] = unknown + r;
        List<Atom> lOperands = new ArrayList<>();
        for (int r : invariant) lOperands.add(s.residual(kOperands.get(constOf[r])));
        for (int i = 0; i < ops.size(); i++) if (!knownIn[i]) lOperands.add(s.linearAtom(ops.get(i)));
        for (Atom r : residualStacks) lOperands.add(s.residual(r));
        int kl = k - kk, ml = m - mk;
        Params lp = Params.of("body", Passes.simplify(permuteInputs(linear, order)), "length", n, "reverse", p.getBool("reverse"),
                "nconsts", invariant.size() + kl, "ncarry", ml);
        List<Var> lResults = s.linear.add(Primitive.SCAN, lp, lOperands);
        j = 0;
        for (int i = 0; i < e.results().size(); i++) if (!knownOut[i]) s.linearEnv[e.results().get(i).id()] = lResults.get(j++);
    }

    /** Which of a scan body's inputs are known: the operands' knowledge, with a carry known only if the body keeps it known (a fixed point). */
    static boolean[] scanKnownInputs(Program body, int k, int m, boolean[] operandKnown) {
        boolean[] knownIn = operandKnown.clone();
        boolean changed = true;
        while (changed) {
            changed = false;
            boolean[] ko = PartialEval.knownOutputs(body, knownIn);
            for (int i = 0; i < m; i++) {
                if (knownIn[k + i] && !ko[i]) {
                    knownIn[k + i] = false;
                    changed = true;
                }
            }
        }
        return knownIn;
    }

    /** The program with its inputs reordered: input i of the result is input {@code order[i]} of p. */
    static Program permuteInputs(Program p, int[] order) {
        ProgramBuilder b = new ProgramBuilder();
        Atom[] args = new Atom[order.length];
        for (int i : order) args[i] = b.input(p.type(p.inputs().get(i)));
        return b.build(b.inline(p, List.of(), Arrays.asList(args)));
    }

    // ---- transposition ----

    /**
     * The cotangents of a linear cond's operands. Its operands are [index, linear ops…, residuals…];
     * each branch takes [linear ops…, residuals…].
     */
    static List<Atom> transposeCond(Emitter e, Equation eq, List<Atom> x, boolean[] lin, List<Atom> cts, List<AbstractArray> resultTypes) {
        int nl = 0;
        while (1 + nl < lin.length && lin[1 + nl]) nl++;
        List<Program> transposed = new ArrayList<>();
        for (Program b : eq.params().getPrograms("branches")) transposed.add(Passes.simplify(Transpose.transpose(b, nl)));
        List<Atom> operands = new ArrayList<>();
        operands.add(x.getFirst());
        operands.addAll(x.subList(1 + nl, x.size()));
        for (int i = 0; i < cts.size(); i++) operands.add(cts.get(i) != null ? cts.get(i) : e.zeros(resultTypes.get(i)));
        List<Var> out = e.ops(Primitive.COND, Params.of("branches", transposed), operands);
        List<Atom> result = new ArrayList<>();
        result.add(null);
        result.addAll(out);
        while (result.size() < x.size()) result.add(null);
        return result;
    }

    /**
     * The cotangents of a linear scan's operands [consts…, carry…, xs…], where the body is linear in
     * its carry and each const and xs is linear or not (a residual). The transposed scan runs the other way
     * with the residual consts as its consts, carry [carry cotangent…, accumulated cotangent of each
     * linear const…] and xs [residual xs…, output cotangents…], and emits the linear xs' cotangents
     * as its ys.
     */
    static List<Atom> transposeScan(Emitter e, Equation eq, List<Atom> x, boolean[] lin, List<Atom> cts, List<AbstractArray> operandTypes,
                                    List<AbstractArray> resultTypes) {
        Params p = eq.params();
        Program body = p.getProgram("body");
        int k = p.getInt("nconsts"), m = p.getInt("ncarry"), n = p.getInt("length");
        int ny = body.outputs().size() - m;
        List<Integer> linConsts = new ArrayList<>(), resConsts = new ArrayList<>(), linXs = new ArrayList<>(), resXs = new ArrayList<>();
        for (int i = 0; i < k; i++) (lin[i] ? linConsts : resConsts).add(i);
        for (int i = k + m; i < x.size(); i++) (lin[i] ? linXs : resXs).add(i);
        // Linear inputs first (consts, carry, xs), then residuals (consts, xs): the order Transpose expects.
        int[] order = new int[x.size()];
        int o = 0;
        for (int i : linConsts) order[o++] = i;
        for (int i = k; i < k + m; i++) order[o++] = i;
        for (int i : linXs) order[o++] = i;
        for (int i : resConsts) order[o++] = i;
        for (int i : resXs) order[o++] = i;
        int nLinear = linConsts.size() + m + linXs.size();
        Program tb = Passes.simplify(Transpose.transpose(permuteInputs(body, order), nLinear));
        // tb: [residual consts, residual xs, carry cts (m), y cts (ny)] -> [linear const cts, carry cts (m), linear x cts]
        ProgramBuilder b = new ProgramBuilder();
        Emitter be = new Emitter(b);
        List<Atom> resC = new ArrayList<>(), ctCarry = new ArrayList<>(), acc = new ArrayList<>(), resX = new ArrayList<>(), ctYs = new ArrayList<>();
        for (int i : resConsts) resC.add(b.input(operandTypes.get(i)));
        for (int i = 0; i < m; i++) ctCarry.add(b.input(operandTypes.get(k + i)));
        for (int i : linConsts) acc.add(b.input(operandTypes.get(i)));
        for (int i : resXs) resX.add(b.input(rowType(operandTypes.get(i))));
        for (int i = 0; i < ny; i++) ctYs.add(b.input(rowType(resultTypes.get(m + i))));
        List<Atom> args = new ArrayList<>(resC);
        args.addAll(resX);
        args.addAll(ctCarry);
        args.addAll(ctYs);
        List<Atom> d = b.inline(tb, List.of(), args);
        int lc = linConsts.size();
        List<Atom> outs = new ArrayList<>(d.subList(lc, lc + m));
        for (int i = 0; i < lc; i++) outs.add(be.add(acc.get(i), d.get(i)));
        outs.addAll(d.subList(lc + m, d.size()));
        Program newBody = Passes.simplify(b.build(outs));

        List<Atom> operands = new ArrayList<>();
        for (int i : resConsts) operands.add(x.get(i));
        for (int i = 0; i < m; i++) operands.add(cts.get(i) != null ? cts.get(i) : e.zeros(resultTypes.get(i)));
        for (int i : linConsts) operands.add(e.zeros(operandTypes.get(i)));
        for (int i : resXs) operands.add(x.get(i));
        for (int i = 0; i < ny; i++) operands.add(cts.get(m + i) != null ? cts.get(m + i) : e.zeros(resultTypes.get(m + i)));
        Params np = Params.of("body", newBody, "length", n, "reverse", !p.getBool("reverse"), "nconsts", resConsts.size(), "ncarry", m + lc);
        List<Var> r = e.ops(Primitive.SCAN, np, operands);
        Atom[] result = new Atom[x.size()];
        for (int i = 0; i < lc; i++) result[linConsts.get(i)] = r.get(m + i);
        // The body is linear in its carry even when the initial carry is a residual (then it has no cotangent).
        for (int i = 0; i < m; i++) result[k + i] = lin[k + i] ? r.get(i) : null;
        for (int i = 0; i < linXs.size(); i++) result[linXs.get(i)] = r.get(m + lc + i);
        return Arrays.asList(result);
    }

    private static AbstractArray rowType(AbstractArray stacked) {
        int[] d = stacked.shape().dims();
        return stacked.withShape(Shape.of(Arrays.copyOfRange(d, 1, d.length)));
    }

    private static boolean[] not(boolean[] a) {
        boolean[] r = new boolean[a.length];
        for (int i = 0; i < a.length; i++) r[i] = !a[i];
        return r;
    }

    private static int count(boolean[] m, int from, int n) {
        int c = 0;
        for (int i = from; i < from + n; i++) if (m[i]) c++;
        return c;
    }
}
