package org.nabla4j.codegen;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Shape;

/**
 * Bounds the size of every fused loop's expression, so that no kernel method reaches HotSpot's
 * 8,000-byte limit ({@code -XX:HugeMethodLimit}), beyond which a method is never JIT-compiled and
 * silently runs in the bytecode interpreter. Fusion alone puts no bound on an expression: a chain of
 * thousands of elementwise operations, each used once, is one loop.
 *
 * <p>An expression heavier than {@link #MAX_WEIGHT} has subtrees materialised: each becomes an
 * elementwise loop over the same iteration space writing a new slot (row-major over the kernel's
 * shape), and a load of that slot takes its place. The new loops run just before the kernel, in
 * the same step list, so nested loop bodies and branches are bounded too. Values are exactly those
 * of the fused loop: every node's value has its dtype, so storing it in a buffer of that dtype and
 * loading it back changes nothing.
 */
final class KernelSizeLimit {
    /**
     * The heaviest expression a kernel keeps, in {@link #weight} units. Measured on random
     * expressions of weight up to 160 (loads with distinct strides over rank-4 loops, constants,
     * selects, f32 tanh chains, …) in every kernel kind at every vector width, a unit cost at most
     * 32 bytes and the largest method was 4,818 bytes: a row reduction in f64 at 512 bits, whose
     * vector loop holds the body four times. So kernels stay well below 8,000 bytes, while real
     * fused loops (tens of nodes) are never split.
     */
    static final int MAX_WEIGHT = 160;

    private final List<AbstractArray> slots;
    private final int maxWeight;

    private KernelSizeLimit(List<AbstractArray> slots, int maxWeight) {
        this.slots = slots;
        this.maxWeight = maxWeight;
    }

    /** The plan with every kernel, at any depth, bounded by {@link #MAX_WEIGHT}; the same plan when none exceeds it. */
    static Plan apply(Plan plan) {
        return apply(plan, MAX_WEIGHT);
    }

    static Plan apply(Plan plan, int maxWeight) {
        List<AbstractArray> slots = new ArrayList<>(plan.slots());
        List<Plan.Step> steps = new KernelSizeLimit(slots, maxWeight).steps(plan.steps());
        if (slots.size() == plan.slots().size()) return plan;
        return new Plan(List.copyOf(slots), plan.constSlots(), plan.inputSlots(), steps, plan.outputs());
    }

    /**
     * What a node adds to a kernel method, in units of at most about 32 bytes of bytecode: most
     * nodes cost one; a load three (its array, its base offset computed per outer index, its
     * index arithmetic in each unrolled copy); the operations that {@link VectorOps} expands
     * inline cost what they expand to.
     */
    static int weight(LoopExpr e) {
        return switch (e) {
            case LoopExpr.Load l -> 3;
            case LoopExpr.Const c -> 1;
            case LoopExpr.Unary u -> switch (u.op()) {
                case TANH -> u.dtype() == DType.F32 ? 16 : 1;
                // f32 sin and cos: reduction, polynomial, sign and range check inline (about 190 bytes per copy)
                case SIN, COS -> u.dtype() == DType.F32 ? 22 : 1;
                // f32 exp: reduction, polynomial, scaling and range check inline (about 170 bytes per copy)
                case EXP -> u.dtype() == DType.F32 ? 20 : 1;
                case LOGISTIC -> 4;
                case RSQRT, EXP2 -> 2;
                default -> 1;
            };
            case LoopExpr.Binary b -> b.op() == Primitive.ATAN2 ? 2 : 1;
            case LoopExpr.Select s -> 2;
        };
    }

    /** The total weight of an expression tree (without recursion: an unbounded chain is a tree as deep). */
    static int totalWeight(LoopExpr e) {
        int w = 0;
        Deque<LoopExpr> todo = new ArrayDeque<>(List.of(e));
        while (!todo.isEmpty()) {
            LoopExpr next = todo.pop();
            w += weight(next);
            for (LoopExpr c : children(next)) todo.push(c);
        }
        return w;
    }

    private static List<LoopExpr> children(LoopExpr e) {
        return switch (e) {
            case LoopExpr.Load l -> List.of();
            case LoopExpr.Const c -> List.of();
            case LoopExpr.Unary u -> List.of(u.x());
            case LoopExpr.Binary b -> List.of(b.a(), b.b());
            case LoopExpr.Select s -> List.of(s.pred(), s.onFalse(), s.onTrue());
        };
    }

    private static LoopExpr withChildren(LoopExpr e, List<LoopExpr> c) {
        return switch (e) {
            case LoopExpr.Load l -> l;
            case LoopExpr.Const k -> k;
            case LoopExpr.Unary u -> new LoopExpr.Unary(u.op(), c.get(0), u.dtype());
            case LoopExpr.Binary b -> new LoopExpr.Binary(b.op(), c.get(0), c.get(1), b.dtype());
            case LoopExpr.Select s -> new LoopExpr.Select(c.get(0), c.get(1), c.get(2), s.dtype());
        };
    }

    private List<Plan.Step> steps(List<Plan.Step> steps) {
        List<Plan.Step> out = new ArrayList<>(steps.size());
        for (Plan.Step s : steps) {
            switch (s) {
                case Plan.KernelStep k -> out.add(new Plan.KernelStep(bounded(k.kernel(), out)));
                case Plan.InterpretStep i -> out.add(i);
                case Plan.FusedDotStep d -> out.add(d);
                case Plan.RowBlockStep rb -> {
                    // (Groups are formed after this pass; a cut-off subtree would run before the whole group.)
                    List<Kernel> kernels = new ArrayList<>();
                    for (Kernel k : rb.kernels()) kernels.add(bounded(k, out));
                    out.add(new Plan.RowBlockStep(kernels, rb.rows(), rb.blockRows()));
                }
                case Plan.ScanStep sc -> out.add(new Plan.ScanStep(sc.loop(), steps(sc.body())));
                case Plan.WhileStep w -> out.add(new Plan.WhileStep(w.loop(), steps(w.cond()), steps(w.body())));
                case Plan.CondStep c -> out.add(new Plan.CondStep(c.branch(), c.branches().stream().map(this::steps).toList()));
            }
        }
        return out;
    }

    /** The kernel with a body of at most maxWeight; the loops computing its cut-off subtrees are added to {@code before}. */
    private Kernel bounded(Kernel k, List<Plan.Step> before) {
        if (totalWeight(k.body()) <= maxWeight) return k;
        LoopExpr body = cut(k.body(), k, before).expr();
        return switch (k) {
            case Kernel.Elementwise e -> new Kernel.Elementwise(e.shape(), body, e.outSlot(), e.outType());
            case Kernel.Reduce r -> new Kernel.Reduce(r.shape(), body, r.monoid(), r.outAccess(), r.outSize(), r.outSlot(), r.outType());
        };
    }

    /** An expression with its weight. */
    private record Weighed(LoopExpr expr, int weight) {}

    /** A node being cut, with its children cut so far. */
    private record Pending(LoopExpr node, List<Weighed> kids) {}

    /** The tree cut bottom-up by {@link #cutNode}, children before parents, with a stack of its own instead of recursion. */
    private Weighed cut(LoopExpr root, Kernel k, List<Plan.Step> before) {
        Deque<Pending> stack = new ArrayDeque<>();
        stack.push(new Pending(root, new ArrayList<>()));
        while (true) {
            Pending top = stack.peek();
            List<LoopExpr> children = children(top.node());
            if (top.kids().size() < children.size()) {
                stack.push(new Pending(children.get(top.kids().size()), new ArrayList<>()));
                continue;
            }
            stack.pop();
            Weighed done = cutNode(top.node(), top.kids(), k, before);
            if (stack.isEmpty()) return done;
            stack.peek().kids().add(done);
        }
    }

    /**
     * The node over its children, already cut; while it weighs more than maxWeight, its heaviest
     * child is materialised. So every subtree kept, and every loop added, weighs at most
     * maxWeight. A bool child goes last when the kernel is not bool: a loaded bool is no vector
     * mask, and the kernel would lose its vector loop.
     */
    private Weighed cutNode(LoopExpr e, List<Weighed> kids, Kernel k, List<Plan.Step> before) {
        int w = weight(e);
        for (Weighed kid : kids) w += kid.weight();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < kids.size(); i++) order.add(i);
        order.sort(Comparator.<Integer>comparingInt(i -> kids.get(i).expr().dtype() == DType.BOOL && k.outType() != DType.BOOL ? 1 : 0)
                .thenComparingInt(i -> -kids.get(i).weight()));
        for (int i : order) {
            if (w <= maxWeight) break;
            Weighed kid = kids.get(i);
            if (kid.expr() instanceof LoopExpr.Load || kid.expr() instanceof LoopExpr.Const) continue;
            LoopExpr load = materialize(kid.expr(), k.shape(), before);
            kids.set(i, new Weighed(load, weight(load)));
            w += weight(load) - kid.weight();
        }
        return new Weighed(withChildren(e, kids.stream().map(Weighed::expr).toList()), w);
    }

    /** A loop computing e into a new slot, row-major over {@code shape}; returns the load of that slot. */
    private LoopExpr materialize(LoopExpr e, int[] shape, List<Plan.Step> before) {
        slots.add(new AbstractArray(e.dtype(), Shape.of(shape)));
        int slot = slots.size() - 1;
        before.add(new Plan.KernelStep(new Kernel.Elementwise(shape, e, slot, e.dtype())));
        return new LoopExpr.Load(slot, LoopExpr.Access.rowMajor(shape), e.dtype());
    }
}
