package org.nabla4j.codegen;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.nabla4j.DType;
import org.nabla4j.codegen.kernels.Epilogue;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Axes;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Literal;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Var;

/**
 * Groups a program's equations into fused loops. Elementwise chains fuse into their consumer;
 * broadcast, transpose, slice and (contiguous) reshape of a buffer become strided loads instead of
 * copies; a reduction is the root of a loop over its input. A value is materialised in a buffer
 * when it is an output, is used more than once (so expensive producers are never recomputed), is a
 * scalar, feeds a non-fusible equation, or is viewed (broadcast, transposed…) after computation.
 * A matmul followed by a bias add, and optionally tanh or relu, is one GEMM call with an epilogue
 * ({@link EpilogueChain}). Equations with no lowering become interpreter steps.
 */
final class FusionPlanner {
    private static final Set<Primitive> VIEWS = EnumSet.of(Primitive.BROADCAST_IN_DIM, Primitive.TRANSPOSE, Primitive.SLICE,
            Primitive.RESHAPE, Primitive.SQUEEZE, Primitive.EXPAND_DIMS);
    private static final Set<Primitive> REDUCTIONS = EnumSet.of(Primitive.REDUCE_SUM, Primitive.REDUCE_MAX, Primitive.REDUCE_MIN,
            Primitive.REDUCE_PROD);

    /** What a program variable is during planning. */
    private sealed interface Rep {}

    /** Lives in a buffer, viewed through an access over {@code shape}. */
    private record Buffered(int slot, LoopExpr.Access access, int[] shape, DType dtype) implements Rep {
        boolean isPlain(int slotSize) {
            return access.offset() == 0 && access.isContiguousFor(shape) && Shape.of(shape).size() == slotSize;
        }
    }

    /** Not computed yet: an expression over {@code shape}, inlined into its consumers. */
    private record Fused(LoopExpr expr, int[] shape, DType dtype) implements Rep {}

    private record Lit(Literal literal) implements Rep {}

    private final Program program;
    private final List<AbstractArray> slots;
    private final List<Plan.Step> steps = new ArrayList<>();
    private final Rep[] reps;
    private final int[] uses;
    private final boolean[] feedsOpaque;
    /** Per var, the epilogue chain whose result it is; null for other vars. */
    private final EpilogueChain[] chainEndingAt;
    /** Per var, whether its equation belongs to an epilogue chain that ends later, and is planned there. */
    private final boolean[] deferred;

    /** Reps of the program's inputs when it is a sub-program bound to the enclosing plan's buffers; null at the top. */
    private final List<Rep> boundInputs;
    /** Inside a loop body: the steps that run once before the loop, for loop-invariant work; null elsewhere. */
    private final List<Plan.Step> beforeLoop;
    /** Inside a loop body: slots below this one are not written while the loop runs. */
    private final int invariantBelow;

    private FusionPlanner(Program program, List<AbstractArray> slots, List<Rep> boundInputs, List<Plan.Step> beforeLoop, int invariantBelow) {
        this.program = program;
        this.slots = slots;
        this.boundInputs = boundInputs;
        this.beforeLoop = beforeLoop;
        this.invariantBelow = invariantBelow;
        this.reps = new Rep[program.types().size()];
        this.uses = new int[program.types().size()];
        this.feedsOpaque = new boolean[program.types().size()];
        this.chainEndingAt = new EpilogueChain[program.types().size()];
        this.deferred = new boolean[program.types().size()];
    }

    static Plan plan(Program p) {
        return new FusionPlanner(p, new ArrayList<>(), null, null, 0).build();
    }

    /**
     * Plans a closed sub-program that runs in straight line (a branch, an inlined call) into this
     * plan's slots, its inputs read from the given reps; returns its steps and outputs.
     */
    private Plan planSubProgram(Program sub, List<Rep> inputs) {
        return new FusionPlanner(sub, slots, inputs, beforeLoop, invariantBelow).build();
    }

    /**
     * Plans a loop's sub-program (cond or body). Slots that exist before {@code loopSlots} (the
     * first slot the loop itself writes) are invariant in the loop; work on them alone may go to
     * this plan's steps, which run before the loop.
     */
    private Plan planLoopBody(Program sub, List<Rep> inputs, int loopSlots) {
        return new FusionPlanner(sub, slots, inputs, steps, loopSlots).build();
    }

    private Plan build() {
        if (boundInputs != null) {
            if (!program.constVars().isEmpty()) throw new IllegalStateException("a sub-program must be closed");
            for (int i = 0; i < boundInputs.size(); i++) reps[program.inputs().get(i).id()] = boundInputs.get(i);
        }
        Equation[] consumers = new Equation[program.types().size()];
        for (Equation e : program.equations()) {
            boolean opaque = kindOf(e) == Kind.OPAQUE;
            for (Atom a : e.operands()) {
                if (a instanceof Var v) {
                    uses[v.id()]++;
                    feedsOpaque[v.id()] |= opaque;
                    consumers[v.id()] = e;
                }
            }
        }
        for (Atom a : program.outputs()) if (a instanceof Var v) uses[v.id()] += 2;
        for (Equation e : program.equations()) {
            EpilogueChain chain = kindOf(e) == Kind.OPAQUE ? EpilogueChain.match(program, e, uses, consumers) : null;
            // In dot + dot each product would claim the add; the first keeps it, the other is an ordinary bias.
            if (chain == null || deferred[chain.add().result().id()] || chainEndingAt[chain.add().result().id()] != null) continue;
            chainEndingAt[chain.last().result().id()] = chain;
            for (Equation member : chain.equations()) if (member != chain.last()) deferred[member.result().id()] = true;
        }
        int[] constSlots = program.constVars().stream().mapToInt(this::bufferFor).toArray();
        int[] inputSlots = boundInputs != null ? new int[0] : program.inputs().stream().mapToInt(this::bufferFor).toArray();
        for (Equation e : program.equations()) plan(e);
        List<Plan.Output> outputs = new ArrayList<>();
        for (Atom a : program.outputs()) {
            if (a instanceof Literal l) {
                outputs.add(new Plan.LiteralOutput(l));
            } else {
                Var v = (Var) a;
                outputs.add(new Plan.SlotOutput(plain(reps[v.id()]).slot(), program.type(v)));
            }
        }
        return new Plan(List.copyOf(slots), constSlots, inputSlots, List.copyOf(steps), outputs);
    }

    private enum Kind { ELEMENTWISE, VIEW, REDUCE, OUTER, OPAQUE }

    /** A dot_general that contracts nothing but size-1 axes is a broadcast multiply: a fused loop, not a GEMM call. */
    private boolean isOuterProduct(Equation e) {
        AbstractArray lhs = program.type(e.operands().get(0));
        if (!lhs.dtype().isFloating()) return false;
        for (int axis : e.params().getInts("lhs_contract")) if (lhs.shape().dim(axis) != 1) return false;
        return true;
    }

    private Kind kindOf(Equation e) {
        Primitive p = e.primitive();
        if (p == Primitive.DOT_GENERAL && isOuterProduct(e)) return Kind.OUTER;
        if (p.isElementwise() || p == Primitive.STOP_GRADIENT) return Kind.ELEMENTWISE;
        if (VIEWS.contains(p)) return Kind.VIEW;
        if (REDUCTIONS.contains(p)) return Kind.REDUCE;
        return Kind.OPAQUE;
    }

    private int bufferFor(Var v) {
        AbstractArray t = program.type(v);
        int slot = newSlot(t);
        reps[v.id()] = new Buffered(slot, LoopExpr.Access.rowMajor(t.shape().dims()), t.shape().dims(), t.dtype());
        return slot;
    }

    private int newSlot(AbstractArray type) {
        slots.add(type);
        return slots.size() - 1;
    }

    /**
     * Plans one equation; the members of an epilogue chain wait for its last equation, where they
     * become one GEMM call, or, when the bias is no vector the kernel reads, are planned in order.
     * Moving a matmul later is safe: only the chain uses its result, and its operands' buffers are
     * not written again.
     */
    private void plan(Equation e) {
        Var result = e.results().getFirst();
        if (deferred[result.id()]) return;
        EpilogueChain chain = chainEndingAt[result.id()];
        if (chain != null) {
            if (planFusedDot(chain)) return;
            for (Equation member : chain.equations()) if (member != e) planEquation(member);
        }
        planEquation(e);
    }

    /** The chain as one GEMM call with an epilogue, if its bias is a vector along m or n; false (nothing planned) otherwise. */
    private boolean planFusedDot(EpilogueChain chain) {
        if (!(rep(chain.bias()) instanceof Buffered bias)) return false;
        Epilogue epilogue = chain.epilogue(program, bias.access().strides());
        if (epilogue == null) return false;
        Equation dot = chain.dot();
        int lhs = plain(rep(dot.operands().get(0))).slot(), rhs = plain(rep(dot.operands().get(1))).slot();
        List<AbstractArray> types = dot.operands().stream().map(program::type).toList();
        int result = bufferFor(chain.last().result());
        steps.add(new Plan.FusedDotStep(dot, lhs, rhs, types, epilogue, bias.slot(), bias.access().offset(), result));
        return true;
    }

    private void planEquation(Equation e) {
        Var result = e.results().getFirst();
        AbstractArray type = program.type(result);
        int[] shape = type.shape().dims();
        if (e.primitive() == Primitive.STOP_GRADIENT && e.operands().getFirst() instanceof Var v) {
            // The identity at run time: the result is the operand, buffer or expression alike.
            Rep r = reps[v.id()];
            reps[result.id()] = r instanceof Fused && mustMaterialize(result, type) ? materialize(r) : r;
            return;
        }
        switch (kindOf(e)) {
            case ELEMENTWISE -> {
                List<LoopExpr> ops = new ArrayList<>();
                for (Atom a : e.operands()) ops.add(exprOf(rep(a), shape));
                Rep r = new Fused(elementwise(e, ops, type.dtype()), shape, type.dtype());
                reps[result.id()] = mustMaterialize(result, type) ? materialize(r) : r;
            }
            case VIEW -> {
                Rep operand = rep(e.operands().getFirst());
                Buffered b = operand instanceof Buffered buf ? buf : materialize(operand);
                Buffered viewed = view(e, b, type);
                reps[result.id()] = mustMaterialize(result, type) ? materialize(viewed) : viewed;
            }
            case REDUCE -> reps[result.id()] = reduce(e, type);
            case OUTER -> {
                Rep r = new Fused(outerProduct(e, shape), shape, type.dtype());
                reps[result.id()] = mustMaterialize(result, type) ? materialize(r) : r;
            }
            case OPAQUE -> {
                if (e.primitive().kind() == Primitive.Kind.CONTROL) planControl(e);
                else planOpaque(e);
            }
        }
    }

    private boolean mustMaterialize(Var v, AbstractArray type) {
        return uses[v.id()] > 1 || type.rank() == 0 || feedsOpaque[v.id()];
    }

    private Rep rep(Atom a) {
        return a instanceof Literal l ? new Lit(l) : reps[((Var) a).id()];
    }

    /** The expression of an operand inside a loop over {@code loopShape} (equal shape, or a rank-0 operand). */
    private LoopExpr exprOf(Rep r, int[] loopShape) {
        return switch (r) {
            case Lit l -> new LoopExpr.Const(l.literal().asDouble(), l.literal().dtype());
            case Fused f -> f.expr();
            case Buffered b -> new LoopExpr.Load(b.slot(), b.shape().length == 0 && loopShape.length > 0
                    ? new LoopExpr.Access(b.access().offset(), new int[loopShape.length]) : b.access(), b.dtype());
        };
    }

    private static LoopExpr elementwise(Equation e, List<LoopExpr> ops, DType out) {
        Primitive p = e.primitive();
        if (p == Primitive.STOP_GRADIENT) return ops.getFirst();
        if (p == Primitive.SELECT_N) {
            if (ops.size() != 3 || ops.getFirst().dtype() != DType.BOOL) {
                // An integer predicate selects case min(max(pred, 0), n-1): a chain of "pred >= k" selects.
                LoopExpr acc = ops.get(1);
                for (int i = 2; i < ops.size(); i++) {
                    LoopExpr atLeast = new LoopExpr.Binary(Primitive.GE, ops.getFirst(), new LoopExpr.Const(i - 1, ops.getFirst().dtype()), DType.BOOL);
                    acc = new LoopExpr.Select(atLeast, acc, ops.get(i), out);
                }
                return acc;
            }
            return new LoopExpr.Select(ops.get(0), ops.get(1), ops.get(2), out);
        }
        if (ops.size() == 1) return new LoopExpr.Unary(p, ops.getFirst(), out);
        return new LoopExpr.Binary(p, ops.get(0), ops.get(1), out);
    }

    /** The view an equation makes of a buffer, or the buffer materialised and then viewed when strides cannot express it. */
    private Buffered view(Equation e, Buffered b, AbstractArray type) {
        Params p = e.params();
        int[] out = type.shape().dims();
        int[] s = b.access().strides();
        int offset = b.access().offset();
        return switch (e.primitive()) {
            case BROADCAST_IN_DIM -> {
                int[] dims = p.getInts("dims");
                int[] ns = new int[out.length];
                for (int i = 0; i < dims.length; i++) ns[dims[i]] = b.shape()[i] == 1 ? 0 : s[i];
                yield new Buffered(b.slot(), new LoopExpr.Access(offset, ns), out, b.dtype());
            }
            case TRANSPOSE -> {
                int[] perm = p.getInts("permutation");
                int[] ns = new int[perm.length];
                for (int i = 0; i < perm.length; i++) ns[i] = s[perm[i]];
                yield new Buffered(b.slot(), new LoopExpr.Access(offset, ns), out, b.dtype());
            }
            case SLICE -> {
                int[] start = p.getInts("start"), step = p.getInts("strides");
                int[] ns = new int[s.length];
                int off = offset;
                for (int i = 0; i < s.length; i++) {
                    off += start[i] * s[i];
                    ns[i] = s[i] * step[i];
                }
                yield new Buffered(b.slot(), new LoopExpr.Access(Shape.of(out).size() == 0 ? 0 : off, ns), out, b.dtype());
            }
            case SQUEEZE -> {
                int[] dims = p.getInts("dims");
                int[] ns = new int[out.length];
                int j = 0;
                for (int i = 0; i < s.length; i++) {
                    final int axis = i;
                    if (java.util.Arrays.stream(dims).noneMatch(d -> d == axis)) ns[j++] = s[i];
                }
                yield new Buffered(b.slot(), new LoopExpr.Access(offset, ns), out, b.dtype());
            }
            case EXPAND_DIMS -> {
                int[] dims = p.getInts("dims");
                int[] ns = new int[out.length];
                int j = 0;
                for (int i = 0; i < out.length; i++) {
                    final int axis = i;
                    ns[i] = java.util.Arrays.stream(dims).anyMatch(d -> d == axis) ? 0 : s[j++];
                }
                yield new Buffered(b.slot(), new LoopExpr.Access(offset, ns), out, b.dtype());
            }
            case RESHAPE -> {
                Buffered src = b.access().isContiguousFor(b.shape()) ? b : materializeCopy(b);
                yield new Buffered(src.slot(), new LoopExpr.Access(src.access().offset(), LoopExpr.Access.rowMajor(out).strides()), out, src.dtype());
            }
            default -> throw new IllegalStateException("not a view: " + e.primitive());
        };
    }

    /** out[batch, lhs free, rhs free] = lhs[…] * rhs[…]: each operand loaded with stride 0 along the other's free axes. */
    private LoopExpr outerProduct(Equation e, int[] outShape) {
        Params p = e.params();
        int[] lb = p.getInts("lhs_batch"), rb = p.getInts("rhs_batch"), lc = p.getInts("lhs_contract"), rc = p.getInts("rhs_contract");
        Buffered lhs = materialize(rep(e.operands().get(0))), rhs = materialize(rep(e.operands().get(1)));
        int[] lf = Axes.complement(lhs.shape().length, lc, lb), rf = Axes.complement(rhs.shape().length, rc, rb);
        int[] ls = lhs.access().strides(), rs = rhs.access().strides();
        int[] lStrides = new int[outShape.length], rStrides = new int[outShape.length];
        int d = 0;
        for (int i = 0; i < lb.length; i++, d++) {
            lStrides[d] = ls[lb[i]];
            rStrides[d] = rs[rb[i]];
        }
        for (int a : lf) lStrides[d++] = ls[a];
        for (int a : rf) rStrides[d++] = rs[a];
        DType t = lhs.dtype();
        return new LoopExpr.Binary(Primitive.MUL, new LoopExpr.Load(lhs.slot(), new LoopExpr.Access(lhs.access().offset(), lStrides), t),
                new LoopExpr.Load(rhs.slot(), new LoopExpr.Access(rhs.access().offset(), rStrides), t), t);
    }


    private Buffered reduce(Equation e, AbstractArray type) {
        Var operand = (Var) e.operands().getFirst();
        int[] inShape = program.type(operand).shape().dims();
        LoopExpr body = exprOf(rep(operand), inShape);
        int[] axes = e.params().getInts("axes");
        int[] outStrides = LoopExpr.Access.rowMajor(type.shape().dims()).strides();
        int[] strides = new int[inShape.length];
        int j = 0;
        for (int d = 0; d < inShape.length; d++) {
            final int axis = d;
            strides[d] = java.util.Arrays.stream(axes).anyMatch(a -> a == axis) ? 0 : outStrides[j++];
        }
        if (type.rank() == 0) {
            Buffered split = reduceInParts(body, inShape, e.primitive(), type);
            if (split != null) return split;
        }
        int slot = newSlot(type);
        steps.add(new Plan.KernelStep(new Kernel.Reduce(inShape, body, e.primitive(), new LoopExpr.Access(0, strides),
                type.shape().size(), slot, type.dtype())));
        return new Buffered(slot, LoopExpr.Access.rowMajor(type.shape().dims()), type.shape().dims(), type.dtype());
    }

    /** Full reductions of at least this many elements are computed as partial results of rows first. */
    static final int PARTS_THRESHOLD = 1 << 16;

    /**
     * A large full reduction as two: the input viewed as P rows (P a divisor of its size near 64)
     * reduced row by row into P partial results — a loop that splits across cores, each row with
     * its own vector accumulators — then the partial results reduced. Null when the size has no
     * such divisor or a load is not a contiguous or scalar read.
     */
    private Buffered reduceInParts(LoopExpr body, int[] inShape, Primitive monoid, AbstractArray type) {
        int n = Shape.of(inShape).size();
        if (n < PARTS_THRESHOLD) return null;
        int parts = 0;
        for (int p = 64; p >= 16 && parts == 0; p--) if (n % p == 0) parts = p;
        for (int p = 65; p <= 256 && parts == 0; p++) if (n % p == 0) parts = p;
        if (parts == 0) return null;
        int[] rows = {parts, n / parts};
        LoopExpr rowBody = asRows(body, inShape, rows);
        if (rowBody == null) return null;
        AbstractArray partialType = type.withShape(Shape.of(parts));
        int partial = newSlot(partialType);
        steps.add(new Plan.KernelStep(new Kernel.Reduce(rows, rowBody, monoid, new LoopExpr.Access(0, new int[] {1, 0}), parts, partial, type.dtype())));
        int slot = newSlot(type);
        steps.add(new Plan.KernelStep(new Kernel.Reduce(new int[] {parts}, new LoopExpr.Load(partial, new LoopExpr.Access(0, new int[] {1}), type.dtype()),
                monoid, new LoopExpr.Access(0, new int[] {0}), 1, slot, type.dtype())));
        return new Buffered(slot, LoopExpr.Access.rowMajor(new int[0]), new int[0], type.dtype());
    }

    /** The expression over {@code shape} re-indexed over {@code rows} (same elements, row-major), or null if a load cannot be. */
    private static LoopExpr asRows(LoopExpr e, int[] shape, int[] rows) {
        return switch (e) {
            case LoopExpr.Load l -> {
                boolean scalar = java.util.Arrays.stream(l.access().strides()).allMatch(st -> st == 0);
                if (!scalar && !l.access().isContiguousFor(shape)) yield null;
                yield new LoopExpr.Load(l.slot(), new LoopExpr.Access(l.access().offset(), scalar ? new int[] {0, 0} : new int[] {rows[1], 1}), l.dtype());
            }
            case LoopExpr.Const c -> c;
            case LoopExpr.Unary u -> {
                LoopExpr x = asRows(u.x(), shape, rows);
                yield x == null ? null : new LoopExpr.Unary(u.op(), x, u.dtype());
            }
            case LoopExpr.Binary b -> {
                LoopExpr x = asRows(b.a(), shape, rows), y = asRows(b.b(), shape, rows);
                yield x == null || y == null ? null : new LoopExpr.Binary(b.op(), x, y, b.dtype());
            }
            case LoopExpr.Select sel -> {
                LoopExpr p = asRows(sel.pred(), shape, rows), f = asRows(sel.onFalse(), shape, rows), t = asRows(sel.onTrue(), shape, rows);
                yield p == null || f == null || t == null ? null : new LoopExpr.Select(p, f, t, sel.dtype());
            }
        };
    }

    /**
     * Control flow becomes loops and jumps in the generated method: sub-programs are planned into
     * this plan's buffers, loop-invariant operands are read where they are, and only the carry
     * and the scanned rows get buffers of their own.
     */
    private void planControl(Equation e) {
        Params p = e.params();
        List<Atom> ops = e.operands();
        switch (e.primitive()) {
            case SCAN -> {
                int n = p.getInt("length"), k = p.getInt("nconsts"), m = p.getInt("ncarry");
                List<Rep> bodyIn = new ArrayList<>();
                for (Atom a : ops.subList(0, k)) bodyIn.add(operandRep(a));
                List<AbstractArray> carryTypes = ops.subList(k, k + m).stream().map(program::type).toList();
                int loopSlots = slots.size();
                CarrySlots cs = carrySlots(carryTypes, bodyIn);
                int[] carry = cs.carry(), staging = cs.staging();
                List<Atom> scanned = ops.subList(k + m, ops.size());
                int[] xs = new int[scanned.size()], rows = new int[scanned.size()];
                List<AbstractArray> rowTypes = new ArrayList<>();
                for (int j = 0; j < xs.length; j++) {
                    AbstractArray t = program.type(scanned.get(j));
                    AbstractArray row = t.withShape(Shape.of(java.util.Arrays.copyOfRange(t.shape().dims(), 1, t.rank())));
                    xs[j] = plain(rep(scanned.get(j))).slot();
                    rows[j] = newSlot(row);
                    rowTypes.add(row);
                    bodyIn.add(bufferedAs(rows[j], row));
                }
                Plan body = planLoopBody(p.getProgram("body"), bodyIn, loopSlots);
                List<Source> outs = body.outputs().stream().map(Source::of).toList();
                List<AbstractArray> yTypes = p.getProgram("body").outputTypes().subList(m, outs.size());
                int[] results = e.results().stream().mapToInt(this::bufferFor).toArray();
                ScanLoop loop = new ScanLoop(n, p.getBool("reverse"), sources(ops.subList(k, k + m)), carry, staging, carryTypes,
                        swapOnly(body.steps(), outs.subList(0, m)), outs.subList(0, m).toArray(Source[]::new), java.util.Arrays.copyOfRange(results, 0, m), xs, rows, rowTypes,
                        outs.subList(m, outs.size()).toArray(Source[]::new), java.util.Arrays.copyOfRange(results, m, results.length), yTypes);
                steps.add(new Plan.ScanStep(loop, body.steps()));
            }
            case WHILE -> {
                int k = p.getInt("nconsts");
                List<Rep> in = new ArrayList<>();
                for (Atom a : ops.subList(0, k)) in.add(operandRep(a));
                List<AbstractArray> carryTypes = ops.subList(k, ops.size()).stream().map(program::type).toList();
                int loopSlots = slots.size();
                CarrySlots cs = carrySlots(carryTypes, in);
                int[] carry = cs.carry(), staging = cs.staging();
                Plan cond = planLoopBody(p.getProgram("cond"), in, loopSlots);
                Plan body = planLoopBody(p.getProgram("body"), in, loopSlots);
                int[] results = e.results().stream().mapToInt(this::bufferFor).toArray();
                List<Source> next = body.outputs().stream().map(Source::of).toList();
                WhileLoop loop = new WhileLoop(sources(ops.subList(k, ops.size())), carry, staging, carryTypes, swapOnly(body.steps(), next),
                        Source.of(cond.outputs().getFirst()), next.toArray(Source[]::new), results);
                steps.add(new Plan.WhileStep(loop, cond.steps(), body.steps()));
            }
            case COND -> {
                List<Rep> in = ops.subList(1, ops.size()).stream().map(this::operandRep).toList();
                Source index = sources(ops.subList(0, 1))[0];
                List<Program> branches = p.getPrograms("branches");
                List<List<Plan.Step>> branchSteps = new ArrayList<>();
                Source[][] outputs = new Source[branches.size()][];
                for (int b = 0; b < branches.size(); b++) {
                    Plan branch = planSubProgram(branches.get(b), in);
                    branchSteps.add(branch.steps());
                    outputs[b] = branch.outputs().stream().map(Source::of).toArray(Source[]::new);
                }
                int[] results = e.results().stream().mapToInt(this::bufferFor).toArray();
                List<AbstractArray> types = e.results().stream().map(program::type).toList();
                steps.add(new Plan.CondStep(new CondBranch(index, outputs, results, types), branchSteps));
            }
            case CUSTOM_VJP_CALL -> {
                // The primal computation is the call sub-program, inlined.
                Plan call = planSubProgram(p.getProgram("call"), ops.stream().map(this::operandRep).toList());
                steps.addAll(call.steps());
                for (int i = 0; i < e.results().size(); i++) {
                    Var r = e.results().get(i);
                    reps[r.id()] = switch (call.outputs().get(i)) {
                        case Plan.SlotOutput so -> bufferedAs(so.slot(), program.type(r));
                        case Plan.LiteralOutput lo -> new Lit(lo.literal());
                    };
                }
            }
            default -> throw new IllegalStateException("not control flow: " + e.primitive());
        }
    }

    /**
     * Per carry result, whether its buffer can be swapped with the carry's instead of copied: a
     * step of the body (not of a branch inside it) writes the slot every iteration, before any
     * read, and no other carry result is the same slot.
     */
    private static boolean[] swapOnly(List<Plan.Step> body, List<Source> next) {
        java.util.Set<Integer> written = new java.util.HashSet<>();
        for (Plan.Step s : body) {
            switch (s) {
                case Plan.KernelStep k -> written.add(k.kernel().outSlot());
                case Plan.InterpretStep i -> { for (int r : i.resultSlots()) written.add(r); }
                case Plan.FusedDotStep d -> written.add(d.resultSlot());
                default -> { }
            }
        }
        boolean[] swap = new boolean[next.size()];
        for (int j = 0; j < swap.length; j++) {
            Source src = next.get(j);
            final int slot = src.slot();
            swap[j] = src.constant() == null && written.contains(slot) && next.stream().filter(o -> o.constant() == null && o.slot() == slot).count() == 1;
        }
        return swap;
    }

    /** A loop's carry buffers and their staging buffers, one pair per carried value. */
    private record CarrySlots(int[] carry, int[] staging) {}

    /** New carry and staging slots for values of these types; the carry slots are added to the loop's inputs. */
    private CarrySlots carrySlots(List<AbstractArray> types, List<Rep> loopInputs) {
        int[] carry = new int[types.size()], staging = new int[types.size()];
        for (int j = 0; j < carry.length; j++) {
            carry[j] = newSlot(types.get(j));
            staging[j] = newSlot(types.get(j));
            loopInputs.add(bufferedAs(carry[j], types.get(j)));
        }
        return new CarrySlots(carry, staging);
    }

    /** An operand as a sub-program input: a literal, or its buffer read in place. */
    private Rep operandRep(Atom a) {
        if (a instanceof Literal l) return new Lit(l);
        return bufferedAs(plain(rep(a)).slot(), program.type(a));
    }

    private static Buffered bufferedAs(int slot, AbstractArray type) {
        int[] dims = type.shape().dims();
        return new Buffered(slot, LoopExpr.Access.rowMajor(dims), dims, type.dtype());
    }

    /** The operands' buffers (plain), or their literal values filled to size. */
    private Source[] sources(List<Atom> operands) {
        Source[] s = new Source[operands.size()];
        for (int i = 0; i < s.length; i++) {
            Atom a = operands.get(i);
            s[i] = a instanceof Literal l ? Source.filled(l, 1) : Source.ofSlot(plain(rep(a)).slot());
        }
        return s;
    }

    private void planOpaque(Equation e) {
        Object[] operands = new Object[e.operands().size()];
        for (int i = 0; i < operands.length; i++) {
            Atom a = e.operands().get(i);
            if (a instanceof Literal l) {
                operands[i] = l;
            } else {
                operands[i] = plain(reps[((Var) a).id()]).slot();
            }
        }
        int[] results = new int[e.results().size()];
        for (int i = 0; i < results.length; i++) results[i] = bufferFor(e.results().get(i));
        List<AbstractArray> types = e.operands().stream().map(program::type).toList();
        if (isMatrixVector(e, types) && beforeLoop != null && operands[0] instanceof Integer a && a < invariantBelow) {
            // A loop-invariant matrix: transpose it once before the loop, so each iteration's product
            // broadcasts the vector into rows instead of summing each row horizontally.
            int m = types.get(0).shape().dim(0), k = types.get(0).shape().dim(1);
            int[] transposed = {k, m};
            Buffered t = emitElementwise(beforeLoop, new LoopExpr.Load(a, new LoopExpr.Access(0, new int[] {1, k}), types.get(0).dtype()),
                    transposed, types.get(0).dtype());
            operands[0] = t.slot();
            types = List.of(types.get(0).withShape(Shape.of(transposed)), types.get(1));
            e = new Equation(e.primitive(), e.params().with("lhs_contract", new int[] {0}), e.operands(), e.results());
        }
        steps.add(new Plan.InterpretStep(e, operands, types, results));
    }

    /** {@code A · x} for an f32 matrix A (m, k) and vector x (k). */
    private static boolean isMatrixVector(Equation e, List<AbstractArray> types) {
        if (e.primitive() != Primitive.DOT_GENERAL || types.get(0).dtype() != DType.F32) return false;
        Params p = e.params();
        return types.get(0).rank() == 2 && types.get(1).rank() == 1 && p.getInts("lhs_batch").length == 0
                && java.util.Arrays.equals(p.getInts("lhs_contract"), new int[] {1});
    }

    /** A buffer holding the value: as is when already buffered, otherwise computed by a new loop. */
    private Buffered materialize(Rep r) {
        return switch (r) {
            case Buffered b -> b;
            case Fused f -> emitElementwise(f.expr(), f.shape(), f.dtype());
            case Lit l -> emitElementwise(new LoopExpr.Const(l.literal().asDouble(), l.literal().dtype()), new int[0], l.literal().dtype());
        };
    }

    /** A buffer whose slot holds exactly the value, row-major: copies views that are strided, offset or partial. */
    private Buffered plain(Rep r) {
        Buffered b = materialize(r);
        return b.isPlain(slots.get(b.slot()).shape().size()) ? b : materializeCopy(b);
    }

    /** A plain row-major copy of a strided view. */
    private Buffered materializeCopy(Buffered b) {
        return emitElementwise(new LoopExpr.Load(b.slot(), b.access(), b.dtype()), b.shape(), b.dtype());
    }

    private Buffered emitElementwise(LoopExpr body, int[] shape, DType dtype) {
        return emitElementwise(steps, body, shape, dtype);
    }

    private Buffered emitElementwise(List<Plan.Step> into, LoopExpr body, int[] shape, DType dtype) {
        int slot = newSlot(new AbstractArray(dtype, Shape.of(shape)));
        into.add(new Plan.KernelStep(new Kernel.Elementwise(shape, body, slot, dtype)));
        return new Buffered(slot, LoopExpr.Access.rowMajor(shape), shape, dtype);
    }
}
