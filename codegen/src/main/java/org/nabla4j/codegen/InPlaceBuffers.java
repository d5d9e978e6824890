package org.nabla4j.codegen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nabla4j.ir.AbstractArray;

/**
 * Lets an elementwise loop write its result over an operand that dies there: in a row softmax
 * {@code e = exp(x - max)} is written straight into the output's buffer and {@code e / sum} then
 * overwrites it in place, so the intermediate never makes a round trip to memory of its own.
 *
 * <p>A loop K may take over the buffer of a slot g when, at the top level of the plan:
 * <ul>
 *   <li>g is written by an earlier fused loop, and is no input, constant or program output;
 *   <li>K is elementwise, and every load of g in K reads the element K writes (same row-major
 *       index), so each element is read before it is overwritten — also when K runs in parallel
 *       parts or block by block ({@link RowBlocking}: earlier loops of a group read g only in the
 *       rows of the block, which K overwrites after them);
 *   <li>only fused loops read g, none after K, and no control-flow step comes after g's writer
 *       (its nested steps and carries may read any slot);
 *   <li>g and K's result have the same dtype and number of elements.
 * </ul>
 * Then g's writer and readers use K's slot instead. Chains collapse: a loop may in turn give its
 * (renamed) buffer to a later one.
 */
final class InPlaceBuffers {
    private InPlaceBuffers() {}

    static Plan apply(Plan plan) {
        List<Plan.Step> steps = plan.steps();
        Set<Integer> pinned = new HashSet<>();
        for (int s : plan.constSlots()) pinned.add(s);
        for (int s : plan.inputSlots()) pinned.add(s);
        for (Plan.Output o : plan.outputs()) if (o instanceof Plan.SlotOutput so) pinned.add(so.slot());

        // Every fused loop, and every other top-level step, is a unit, numbered in execution order
        // (a row-blocked group runs its loops in order on each block).
        List<Kernel> unitKernels = new ArrayList<>();
        List<Plan.Step> unitStep = new ArrayList<>();
        Map<Integer, Integer> writer = new HashMap<>(), lastRead = new HashMap<>();
        Set<Integer> readByOthers = new HashSet<>();
        int lastControlFlow = -1;
        for (Plan.Step s : steps) {
            List<Kernel> ks = kernels(s);
            if (ks.isEmpty()) {
                int unit = unitKernels.size();
                unitKernels.add(null);
                unitStep.add(s);
                for (int slot : reads(s)) { lastRead.put(slot, unit); readByOthers.add(slot); }
                if (!Plan.blocks(s).isEmpty()) lastControlFlow = unit;
            }
            for (Kernel k : ks) {
                int unit = unitKernels.size();
                unitKernels.add(k);
                unitStep.add(s);
                writer.put(k.outSlot(), unit);
                for (LoopExpr.Load l : LoopExpr.loads(k.body())) lastRead.put(l.slot(), unit);
            }
        }

        Map<Integer, Integer> renamed = new HashMap<>();
        for (int unit = 0; unit < unitKernels.size(); unit++) {
            if (!(unitKernels.get(unit) instanceof Kernel.Elementwise k)) continue;
            AbstractArray outType = plan.slots().get(k.outSlot());
            for (int g : sameIndexOnlyOperands(k)) {
                Integer w = writer.get(g);
                if (w == null || w >= unit || pinned.contains(g) || renamed.containsKey(g) || lastRead.get(g) != unit
                        || readByOthers.contains(g) || lastControlFlow > w || !sameStorage(plan.slots().get(g), outType)
                        || !readRowByRowIn(unitStep.get(unit), g, outType.shape().size())) continue;
                renamed.put(g, k.outSlot());
                break; // one buffer per loop
            }
        }
        if (renamed.isEmpty()) return plan;
        List<Plan.Step> out = new ArrayList<>(steps.size());
        for (Plan.Step s : steps) out.add(rename(s, slot -> resolve(renamed, slot)));
        return new Plan(plan.slots(), plan.constSlots(), plan.inputSlots(), out, plan.outputs());
    }

    private static int resolve(Map<Integer, Integer> renamed, int slot) {
        Integer next;
        while ((next = renamed.get(slot)) != null) slot = next;
        return slot;
    }

    private static boolean sameStorage(AbstractArray a, AbstractArray b) {
        return a.dtype() == b.dtype() && a.shape().size() == b.shape().size();
    }

    /**
     * In a row-blocked group, K overwrites g block by block, so the group's other loops must read
     * g only in the block they run on: each at the element its own loop index names.
     */
    private static boolean readRowByRowIn(Plan.Step step, int g, long size) {
        if (!(step instanceof Plan.RowBlockStep group)) return true;
        for (Kernel k : group.kernels()) {
            long n = 1;
            for (int d : k.shape()) n *= d;
            for (LoopExpr.Load l : LoopExpr.loads(k.body())) {
                if (l.slot() == g && !(n == size && l.access().offset() == 0 && l.access().isContiguousFor(k.shape()))) return false;
            }
        }
        return true;
    }

    /** Slots k loads only at the element it writes. */
    private static List<Integer> sameIndexOnlyOperands(Kernel k) {
        Set<Integer> same = new java.util.LinkedHashSet<>(), other = new HashSet<>();
        for (LoopExpr.Load l : LoopExpr.loads(k.body())) {
            boolean sameIndex = l.access().offset() == 0 && l.access().isContiguousFor(k.shape());
            (sameIndex ? same : other).add(l.slot());
        }
        same.removeAll(other);
        return List.copyOf(same);
    }

    private static List<Kernel> kernels(Plan.Step s) {
        return switch (s) {
            case Plan.KernelStep k -> List.of(k.kernel());
            case Plan.RowBlockStep rb -> rb.kernels();
            default -> List.of();
        };
    }

    /** The slots a top-level step other than a fused loop reads (control-flow steps are handled by position, see {@link #apply}). */
    private static List<Integer> reads(Plan.Step s) {
        List<Integer> out = new ArrayList<>();
        switch (s) {
            case Plan.InterpretStep is -> { for (Object o : is.operands()) if (o instanceof Integer slot) out.add(slot); }
            case Plan.FusedDotStep d -> { out.add(d.lhsSlot()); out.add(d.rhsSlot()); if (d.biasSlot() >= 0) out.add(d.biasSlot()); }
            default -> { }
        }
        return out;
    }

    private static Plan.Step rename(Plan.Step s, java.util.function.IntUnaryOperator f) {
        return switch (s) {
            case Plan.KernelStep k -> new Plan.KernelStep(rename(k.kernel(), f));
            case Plan.RowBlockStep rb -> new Plan.RowBlockStep(rb.kernels().stream().map(k -> rename(k, f)).toList(), rb.rows(), rb.blockRows());
            default -> s; // reads no renamed slot: only fused loops read those
        };
    }

    private static Kernel rename(Kernel k, java.util.function.IntUnaryOperator f) {
        LoopExpr body = LoopExpr.renameSlots(k.body(), f);
        return switch (k) {
            case Kernel.Elementwise e -> new Kernel.Elementwise(e.shape(), body, f.applyAsInt(e.outSlot()), e.outType());
            case Kernel.Reduce r -> new Kernel.Reduce(r.shape(), body, r.monoid(), r.outAccess(), r.outSize(), f.applyAsInt(r.outSlot()), r.outType());
        };
    }
}
