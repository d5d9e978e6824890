package org.nabla4j.ir;

import static org.nabla4j.ir.PrimitiveRules.define;
import static org.nabla4j.ir.PrimitiveRules.dtypeError;
import static org.nabla4j.ir.PrimitiveRules.shapeError;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.nabla4j.DType;

/**
 * Control flow. Sub-programs are closed (no constants): values they need are explicit operands.
 *
 * <ul>
 *   <li>{@code cond[branches=(b0, b1, …)] index ops…}: runs branch {@code clamp(index, 0, n-1)} on
 *       ops (index is an i32 scalar; for a bool predicate, branches are (false, true)). Every branch
 *       takes the ops' types and returns the same types.
 *   <li>{@code while[cond=c body=b nconsts=k] consts… carry…}: while {@code c(consts, carry)} (a
 *       bool scalar) holds, {@code carry = b(consts, carry)}; returns the final carry.
 *   <li>{@code scan[body=b length=n reverse=r nconsts=k ncarry=m] consts… carry… xs…}: for i in
 *       0..n-1 (n-1..0 when reverse), {@code (carry, y_i) = b(consts, carry, xs[i])}; returns the
 *       final carry, then the ys stacked along a new leading axis of size n.
 *   <li>{@code custom_vjp_call[call=f fwd=g bwd=h nres=r] ops…}: f(ops), with a user-defined
 *       derivative: g(ops) returns f's outputs then r residuals; h(residuals…, output cotangents…)
 *       returns the ops' cotangents and is linear in the cotangents.
 * </ul>
 */
public final class ControlFlowRules {
    private ControlFlowRules() {}

    static void register() {
        define(Primitive.COND, ControlFlowRules::condShape, (p, in) -> evaluate(Primitive.COND, p, in, INTERPRETED));
        define(Primitive.WHILE, ControlFlowRules::whileShape, (p, in) -> evaluate(Primitive.WHILE, p, in, INTERPRETED));
        define(Primitive.SCAN, ControlFlowRules::scanShape, (p, in) -> evaluate(Primitive.SCAN, p, in, INTERPRETED));
        define(Primitive.CUSTOM_VJP_CALL, ControlFlowRules::customVjpShape, (p, in) -> evaluate(Primitive.CUSTOM_VJP_CALL, p, in, INTERPRETED));
    }

    /** How the interpreter runs sub-programs. */
    private static final Function<Program, Backend.Executable> INTERPRETED = Backend.INTERPRETER::compile;

    /**
     * Evaluates a control-flow primitive, running its sub-programs with {@code run} (the
     * interpreter, or compiled code when a backend evaluates control flow itself).
     */
    public static List<Tensor> evaluate(Primitive prim, Params p, List<Tensor> in, Function<Program, Backend.Executable> run) {
        return switch (prim) {
            case COND -> {
                List<Program> branches = p.getPrograms("branches");
                int index = (int) Math.max(0, Math.min(branches.size() - 1, in.getFirst().getLong(0)));
                yield run.apply(branches.get(index)).run(List.of(), in.subList(1, in.size()));
            }
            case WHILE -> {
                Backend.Executable cond = run.apply(p.getProgram("cond")), body = run.apply(p.getProgram("body"));
                int k = p.getInt("nconsts");
                List<Tensor> consts = in.subList(0, k);
                List<Tensor> carry = new ArrayList<>(in.subList(k, in.size()));
                while (cond.run(List.of(), concat(consts, carry)).getFirst().getBool(0)) {
                    carry = body.run(List.of(), concat(consts, carry));
                }
                yield carry;
            }
            case SCAN -> scan(p, in, run.apply(p.getProgram("body")));
            case CUSTOM_VJP_CALL -> run.apply(p.getProgram("call")).run(List.of(), in);
            default -> throw new IllegalArgumentException(prim + " is not control flow");
        };
    }

    private static List<AbstractArray> condShape(Params p, List<AbstractArray> in) {
        Primitive prim = Primitive.COND;
        List<Program> branches = p.getPrograms("branches");
        if (in.isEmpty()) throw shapeError(prim, in, "needs an index operand");
        AbstractArray index = in.getFirst();
        if (index.rank() != 0 || index.dtype() != DType.I32) throw dtypeError(prim, in, "the index must be an i32 scalar, got " + index);
        if (branches.isEmpty()) throw shapeError(prim, in, "needs at least one branch");
        List<AbstractArray> ops = in.subList(1, in.size());
        List<AbstractArray> out = branches.getFirst().outputTypes();
        for (int i = 0; i < branches.size(); i++) {
            Program b = branches.get(i);
            checkClosed(prim, in, b, "branch " + i);
            if (!b.inputTypes().equals(ops)) {
                throw shapeError(prim, in, "branch " + i + " takes " + b.inputTypes() + " but the operands are " + ops);
            }
            if (!b.outputTypes().equals(out)) {
                throw shapeError(prim, in, "branch " + i + " returns " + b.outputTypes() + " but branch 0 returns " + out);
            }
        }
        return out;
    }

    private static List<AbstractArray> customVjpShape(Params p, List<AbstractArray> in) {
        Primitive prim = Primitive.CUSTOM_VJP_CALL;
        Program call = p.getProgram("call"), fwd = p.getProgram("fwd"), bwd = p.getProgram("bwd");
        int r = p.getInt("nres");
        for (Program sub : List.of(call, fwd, bwd)) checkClosed(prim, in, sub, "a sub-program");
        if (!call.inputTypes().equals(in) || !fwd.inputTypes().equals(in)) {
            throw shapeError(prim, in, "call and fwd must take the operands' types " + in);
        }
        List<AbstractArray> out = call.outputTypes();
        List<AbstractArray> fwdOut = fwd.outputTypes();
        if (fwdOut.size() != out.size() + r || !fwdOut.subList(0, out.size()).equals(out)) {
            throw shapeError(prim, in, "fwd must return call's outputs " + out + " and then " + r + " residuals, returns " + fwdOut);
        }
        List<AbstractArray> bwdIn = new ArrayList<>(fwdOut.subList(out.size(), fwdOut.size()));
        bwdIn.addAll(out);
        if (!bwd.inputTypes().equals(bwdIn)) throw shapeError(prim, in, "bwd must take " + bwdIn + ", takes " + bwd.inputTypes());
        if (!bwd.outputTypes().equals(in)) throw shapeError(prim, in, "bwd must return the operands' types " + in + ", returns " + bwd.outputTypes());
        return out;
    }

    private static List<AbstractArray> whileShape(Params p, List<AbstractArray> in) {
        Primitive prim = Primitive.WHILE;
        Program cond = p.getProgram("cond"), body = p.getProgram("body");
        int k = p.getInt("nconsts");
        if (k < 0 || k > in.size()) throw shapeError(prim, in, "nconsts " + k + " is out of range");
        checkClosed(prim, in, cond, "cond");
        checkClosed(prim, in, body, "body");
        if (!cond.inputTypes().equals(in)) throw shapeError(prim, in, "cond takes " + cond.inputTypes() + " but the operands are " + in);
        if (!body.inputTypes().equals(in)) throw shapeError(prim, in, "body takes " + body.inputTypes() + " but the operands are " + in);
        if (!cond.outputTypes().equals(List.of(AbstractArray.scalar(DType.BOOL)))) {
            throw shapeError(prim, in, "cond must return one bool scalar, returns " + cond.outputTypes());
        }
        List<AbstractArray> carry = in.subList(k, in.size());
        if (!body.outputTypes().equals(carry)) {
            throw shapeError(prim, in, "body returns " + body.outputTypes() + " but the carry is " + carry);
        }
        return List.copyOf(carry);
    }

    private static List<AbstractArray> scanShape(Params p, List<AbstractArray> in) {
        Primitive prim = Primitive.SCAN;
        Program body = p.getProgram("body");
        int n = p.getInt("length"), k = p.getInt("nconsts"), m = p.getInt("ncarry");
        p.getBool("reverse");
        if (n < 0 || k < 0 || m < 0 || k + m > in.size()) throw shapeError(prim, in, "length, nconsts and ncarry do not fit the operands");
        checkClosed(prim, in, body, "body");
        List<AbstractArray> expected = new ArrayList<>(in.subList(0, k + m));
        for (AbstractArray x : in.subList(k + m, in.size())) {
            if (x.rank() == 0 || x.shape().dim(0) != n) throw shapeError(prim, in, "scanned operand " + x + " needs a leading axis of length " + n);
            expected.add(x.withShape(dropLeading(x.shape())));
        }
        if (!body.inputTypes().equals(expected)) throw shapeError(prim, in, "body takes " + body.inputTypes() + " but expects " + expected);
        List<AbstractArray> outs = body.outputTypes();
        if (outs.size() < m || !outs.subList(0, m).equals(in.subList(k, k + m))) {
            throw shapeError(prim, in, "body must return the carry " + in.subList(k, k + m) + " first, returns " + outs);
        }
        List<AbstractArray> result = new ArrayList<>(outs.subList(0, m));
        for (AbstractArray y : outs.subList(m, outs.size())) result.add(y.withShape(withLeading(n, y.shape())));
        return result;
    }

    private static List<Tensor> scan(Params p, List<Tensor> in, Backend.Executable runBody) {
        Program body = p.getProgram("body");
        int n = p.getInt("length"), k = p.getInt("nconsts"), m = p.getInt("ncarry");
        boolean reverse = p.getBool("reverse");
        List<Tensor> consts = in.subList(0, k);
        List<Tensor> carry = new ArrayList<>(in.subList(k, k + m));
        List<Tensor> xs = in.subList(k + m, in.size());
        List<AbstractArray> outs = body.outputTypes();
        List<Object> ys = new ArrayList<>();
        for (AbstractArray y : outs.subList(m, outs.size())) ys.add(Tensor.allocate(y.dtype(), n * y.shape().size()));
        for (int step = 0; step < n; step++) {
            int i = reverse ? n - 1 - step : step;
            List<Tensor> args = new ArrayList<>(consts);
            args.addAll(carry);
            for (Tensor x : xs) args.add(row(x, i));
            List<Tensor> out = runBody.run(List.of(), args);
            carry = new ArrayList<>(out.subList(0, m));
            for (int j = 0; j < ys.size(); j++) {
                Tensor y = out.get(m + j);
                System.arraycopy(y.data(), 0, ys.get(j), i * y.size(), y.size());
            }
        }
        List<Tensor> result = new ArrayList<>(carry);
        for (int j = 0; j < ys.size(); j++) {
            AbstractArray y = outs.get(m + j);
            result.add(Tensor.wrap(y.withShape(withLeading(n, y.shape())), ys.get(j)));
        }
        return result;
    }

    /** Row i along the leading axis. */
    static Tensor row(Tensor x, int i) {
        Shape s = dropLeading(x.shape());
        Object d = Tensor.allocate(x.dtype(), s.size());
        System.arraycopy(x.data(), i * s.size(), d, 0, s.size());
        return Tensor.wrap(x.type().withShape(s), d);
    }

    static Shape dropLeading(Shape s) {
        int[] d = s.dims();
        return Shape.of(java.util.Arrays.copyOfRange(d, 1, d.length));
    }

    static Shape withLeading(int n, Shape s) {
        int[] d = new int[s.rank() + 1];
        d[0] = n;
        System.arraycopy(s.dims(), 0, d, 1, s.rank());
        return Shape.of(d);
    }

    private static void checkClosed(Primitive prim, List<AbstractArray> in, Program p, String what) {
        if (!p.constVars().isEmpty()) throw shapeError(prim, in, what + " must not have constants; pass them as operands");
    }

    private static List<Tensor> concat(List<Tensor> a, List<Tensor> b) {
        List<Tensor> r = new ArrayList<>(a);
        r.addAll(b);
        return r;
    }
}
