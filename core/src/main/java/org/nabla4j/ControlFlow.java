package org.nabla4j;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Var;

/**
 * The engine behind cond, switchCase, whileLoop, forILoop and scan: trace each Java function into
 * a sub-program at the operands' types, turn the arrays it captured into explicit operands shared
 * by all sub-programs, check that the types agree, and bind one control-flow primitive.
 */
final class ControlFlow {
    private ControlFlow() {}

    /** A traced sub-function: its program (constants still as constVars), the captured arrays, its result structure. */
    private record Sub(Tracing.Traced traced, String name) {
        Program program() { return traced.program(); }
    }

    private static Sub trace(String name, Function<Object[], Object> f, TreeDef inDef, List<AbstractArray> types) {
        return new Sub(Tracing.trace(name, f, inDef, types), name);
    }

    /** All arrays captured by the subs, each once (by identity). */
    private static List<NDArray> sharedConsts(List<Sub> subs) {
        Map<NDArray, Boolean> seen = new IdentityHashMap<>();
        List<NDArray> out = new ArrayList<>();
        for (Sub s : subs) {
            for (NDArray c : s.traced().consts()) if (seen.put(c, Boolean.TRUE) == null) out.add(c);
        }
        return out;
    }

    private static Program closed(Sub s, List<NDArray> shared) {
        return closed(s.traced(), shared);
    }

    /** A traced program with inputs [all shared constants…, its own inputs…] and no constVars (sub-programs are closed). */
    static Program closed(Tracing.Traced t, List<NDArray> shared) {
        ProgramBuilder b = new ProgramBuilder();
        List<Var> constInputs = new ArrayList<>();
        for (NDArray c : shared) constInputs.add(b.input(c.abstractType()));
        Program p = t.program();
        List<Atom> mine = new ArrayList<>();
        for (NDArray c : t.consts()) mine.add(constInputs.get(indexOf(shared, c)));
        List<Atom> args = new ArrayList<>();
        for (Var v : p.inputs()) args.add(b.input(p.type(v)));
        return b.build(b.inline(p, mine, args));
    }

    private static int indexOf(List<NDArray> xs, NDArray x) {
        for (int i = 0; i < xs.size(); i++) if (xs.get(i) == x) return i;
        throw new IllegalStateException();
    }

    private static NDArray index(String op, NDArray pred, boolean booleanOnly) {
        if (pred.ndim() != 0) {
            throw new ShapeError(op + ": the predicate must be a scalar, got " + pred.abstractType()
                    + (booleanOnly ? "; for an elementwise choice use Np.where" : ""));
        }
        if (booleanOnly && pred.dtype() != DType.BOOL) throw new DTypeError(op + ": the predicate must be bool, got " + pred.abstractType());
        if (!booleanOnly && !pred.dtype().isInteger()) throw new DTypeError(op + ": the index must be an integer scalar, got " + pred.abstractType());
        return Ops.convert(pred, DType.I32);
    }

    static Object switchCase(String op, NDArray index, List<? extends Function<Object, Object>> branches, Object operand, List<String> names) {
        if (branches.isEmpty()) throw new NablaException(op + ": needs at least one branch");
        Tracing.Args args = Tracing.Args.of(new Object[] {operand});
        List<Sub> subs = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            Function<Object, Object> f = branches.get(i);
            subs.add(trace(op + " " + names.get(i), a -> f.apply(a[0]), args.def(), args.types()));
        }
        Sub first = subs.getFirst();
        for (Sub s : subs) {
            if (!s.traced().outDef().equals(first.traced().outDef()) || !s.program().outputTypes().equals(first.program().outputTypes())) {
                throw new TreeError(op + ": the branches must return the same structure and types, but the " + first.name() + " returns "
                        + Trees.describe(first.traced().outDef()) + " " + first.program().outputTypes() + " and the " + s.name() + " returns "
                        + Trees.describe(s.traced().outDef()) + " " + s.program().outputTypes());
            }
        }
        List<NDArray> consts = sharedConsts(subs);
        List<Program> programs = subs.stream().map(s -> closed(s, consts)).toList();
        List<NDArray> operands = new ArrayList<>();
        operands.add(index);
        operands.addAll(consts);
        operands.addAll(args.leaves());
        List<NDArray> out = Ops.bind(Primitive.COND, Params.of("branches", programs), operands);
        return Trees.build(first.traced().outDef(), out.iterator());
    }

    static Object cond(NDArray pred, Function<Object, Object> onTrue, Function<Object, Object> onFalse, Object operand) {
        NDArray index = index("cond", pred, true);
        return switchCase("cond", index, List.of(onFalse, onTrue), operand, List.of("false branch", "true branch"));
    }

    static Object switchCase(NDArray index, List<? extends Function<Object, Object>> branches, Object operand) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) names.add("branch " + i);
        return switchCase("switchCase", index("switchCase", index, false), branches, operand, names);
    }

    static Object whileLoop(Function<Object, NDArray> cond, Function<Object, Object> body, Object init) {
        Tracing.Args carry = Tracing.Args.of(new Object[] {init});
        Sub c = trace("whileLoop condition", a -> cond.apply(a[0]), carry.def(), carry.types());
        List<AbstractArray> condOut = c.program().outputTypes();
        if (!(c.traced().outDef() instanceof TreeDef.Leaf) || !condOut.equals(List.of(AbstractArray.scalar(DType.BOOL)))) {
            throw new ShapeError("whileLoop: the condition must return one bool scalar, got " + Trees.describe(c.traced().outDef()) + " " + condOut);
        }
        Sub b = trace("whileLoop body", a -> body.apply(a[0]), carry.def(), carry.types());
        checkCarry("whileLoop", "the body", b.traced().outDef(), b.program().outputTypes(), carry);
        List<NDArray> consts = sharedConsts(List.of(c, b));
        List<NDArray> operands = new ArrayList<>(consts);
        operands.addAll(carry.leaves());
        Params p = Params.of("cond", closed(c, consts), "body", closed(b, consts), "nconsts", consts.size());
        return Trees.build(((TreeDef.ArgsNode) carry.def()).children().getFirst(), Ops.bind(Primitive.WHILE, p, operands).iterator());
    }

    private static void checkCarry(String op, String who, TreeDef outDef, List<AbstractArray> outTypes, Tracing.Args carry) {
        TreeDef carryDef = ((TreeDef.ArgsNode) carry.def()).children().getFirst();
        if (!outDef.equals(carryDef)) {
            throw new TreeError(op + ": " + who + " must return the carry's structure " + Trees.describe(carryDef) + ", got " + Trees.describe(outDef));
        }
        if (!outTypes.equals(carry.types())) {
            List<String> paths = carry.def().leafPaths("carry");
            for (int i = 0; i < outTypes.size(); i++) {
                if (!outTypes.get(i).equals(carry.types().get(i))) {
                    throw new ShapeError(op + ": " + who + " returns " + outTypes.get(i) + " for " + paths.get(i).replace("carry[0]", "carry")
                            + ", but the carry is " + carry.types().get(i) + " (convert with astype, or start from the right dtype and shape)");
                }
            }
        }
    }

    static ScanStep<Object, Object> scan(BiFunction<Object, Object, ScanStep<?, ?>> f, Object init, Object xs, int length, boolean reverse) {
        Tracing.Args carry = Tracing.Args.of(new Object[] {init});
        Tracing.Args both = Tracing.Args.of(new Object[] {init, xs});
        List<NDArray> xLeaves = both.leaves().subList(carry.leaves().size(), both.leaves().size());
        int n = length;
        List<String> xPaths = both.def().leafPaths("xs").subList(carry.leaves().size(), both.leaves().size());
        for (int i = 0; i < xLeaves.size(); i++) {
            NDArray x = xLeaves.get(i);
            if (x.ndim() == 0) throw new ShapeError("scan: the scanned value " + xPaths.get(i) + " is a scalar " + x.abstractType() + "; it needs a leading axis");
            if (n < 0) n = x.shape()[0];
            if (x.shape()[0] != n) {
                throw new ShapeError("scan: scanned values need one leading length, but " + xPaths.get(i) + " is " + x.abstractType()
                        + (length >= 0 ? " and length is " + length : " and an earlier one has length " + n));
            }
        }
        if (n < 0) throw new NablaException("scan: with nothing to scan over, give the length");
        List<AbstractArray> types = new ArrayList<>(carry.types());
        for (NDArray x : xLeaves) types.add(x.abstractType().withShape(dropLeading(x.abstractType().shape())));
        Sub body = trace("scan body", a -> f.apply(a[0], a[1]), both.def(), types);
        TreeDef out = body.traced().outDef();
        if (!(out instanceof TreeDef.RecordNode r && r.type() == ScanStep.class)) {
            throw new TreeError("scan: the body must return new ScanStep<>(carry, y), got " + Trees.describe(out));
        }
        TreeDef carryOut = r.children().get(0), yDef = r.children().get(1);
        int m = carry.leaves().size();
        List<AbstractArray> outTypes = body.program().outputTypes();
        checkCarry("scan", "the body", carryOut, outTypes.subList(0, m), carry);
        List<NDArray> consts = sharedConsts(List.of(body));
        List<NDArray> operands = new ArrayList<>(consts);
        operands.addAll(carry.leaves());
        operands.addAll(xLeaves);
        Params p = Params.of("body", closed(body, consts), "length", n, "reverse", reverse, "nconsts", consts.size(), "ncarry", m);
        List<NDArray> results = Ops.bind(Primitive.SCAN, p, operands);
        Object finalCarry = Trees.build(carryOut, results.subList(0, m).iterator());
        Object ys = Trees.build(yDef, results.subList(m, results.size()).iterator());
        return new ScanStep<>(finalCarry, ys);
    }

    private static Shape dropLeading(Shape s) {
        int[] d = s.dims();
        return Shape.of(java.util.Arrays.copyOfRange(d, 1, d.length));
    }
}
