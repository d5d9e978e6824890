package org.nabla4j.codegen;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Backend;
import org.nabla4j.ir.Tensor;

/**
 * A compiled program: fills the buffer table, runs the generated code, wraps the outputs.
 *
 * <p>Buffers for intermediate values are kept between calls: the top-level loops' and matmuls'
 * results that no output can alias are handed back after each call and reused by the next one
 * (one spare set; concurrent calls allocate their own). Outputs, loop carries and values a
 * branch may return are allocated per call, since the caller keeps them; large outputs of
 * top-level loops are allocated in the background for the next call ({@link OutputPrefetch}).
 */
final class CompiledProgram implements Backend.Executable {
    private final Plan plan;
    private final MethodHandle run;
    private final Object[] steps;
    /** Slots allocated before each call (every loop writes into a buffer it is given). */
    private final boolean[] allocate;
    /** Slots whose buffers are reused between calls. */
    private final int[] reused;
    private final AtomicReference<Object[]> spare = new AtomicReference<>();
    /** The next call's large outputs, allocated in the background; null if there are none. */
    private final OutputPrefetch prefetch;

    CompiledProgram(Plan plan, MethodHandle run, Object[] steps) {
        this.plan = plan;
        this.run = run;
        this.steps = steps;
        this.allocate = new boolean[plan.slots().size()];
        markKernelOutputs(plan.steps(), allocate);
        this.reused = reusableSlots(plan);
        this.prefetch = OutputPrefetch.of(topLevelKernelOutputs(plan), plan.slots());
    }

    /** The program outputs that top-level loops write (each allocated per call). */
    private static int[] topLevelKernelOutputs(Plan plan) {
        Set<Integer> written = new HashSet<>(), out = new java.util.TreeSet<>();
        for (Plan.Step s : plan.steps()) {
            if (s instanceof Plan.KernelStep k) written.add(k.kernel().outSlot());
            if (s instanceof Plan.RowBlockStep rb) for (Kernel k : rb.kernels()) written.add(k.outSlot());
        }
        for (Plan.Output o : plan.outputs()) if (o instanceof Plan.SlotOutput so && written.contains(so.slot())) out.add(so.slot());
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** How many outputs calls have taken from the background allocation; for tests. */
    long prefetchedOutputsTaken() {
        return prefetch == null ? 0 : prefetch.taken();
    }

    /** Whether the next call's large outputs are allocated already (true if there are none); for tests. */
    boolean outputsPrefetched() {
        return prefetch == null || prefetch.isReady();
    }

    private static void markKernelOutputs(List<Plan.Step> steps, boolean[] alloc) {
        for (Plan.Step s : steps) {
            if (s instanceof Plan.KernelStep k) alloc[k.kernel().outSlot()] = true;
            if (s instanceof Plan.RowBlockStep rb) for (Kernel k : rb.kernels()) alloc[k.outSlot()] = true;
            for (List<Plan.Step> block : Plan.blocks(s)) markKernelOutputs(block, alloc);
        }
    }

    /**
     * Results of top-level loops and matmuls, minus what an output may hold: the outputs' slots,
     * whatever a top-level branch returns (a branch may return its operands as they are) and the
     * operands of interpreter steps. Steps
     * inside loops are left out: a loop hands its carry buffers to its results, and swaps them
     * with its body's buffers.
     */
    private static int[] reusableSlots(Plan plan) {
        Set<Integer> candidates = new HashSet<>(), excluded = new HashSet<>();
        for (Plan.Step s : plan.steps()) {
            switch (s) {
                case Plan.KernelStep k -> candidates.add(k.kernel().outSlot());
                case Plan.RowBlockStep rb -> { for (Kernel k : rb.kernels()) candidates.add(k.outSlot()); }
                case Plan.FusedDotStep d -> candidates.add(d.resultSlot());
                case Plan.InterpretStep i -> {
                    if (i.equation().primitive() == org.nabla4j.ir.Primitive.DOT_GENERAL) {
                        candidates.add(i.resultSlots()[0]);
                    } else {
                        // An interpreter rule may return an operand's array as its result.
                        for (Object o : i.operands()) if (o instanceof Integer slot) excluded.add(slot);
                    }
                }
                case Plan.CondStep c -> {
                    for (Source[] branch : c.branch().outputs()) for (Source o : branch) excluded.add(o.slot());
                }
                default -> { }
            }
        }
        for (Plan.Output o : plan.outputs()) if (o instanceof Plan.SlotOutput so) excluded.add(so.slot());
        candidates.removeAll(excluded);
        return candidates.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    @Override
    public List<Tensor> run(List<Tensor> consts, List<Tensor> args) {
        Object[] env = new Object[allocate.length];
        for (int i = 0; i < consts.size(); i++) env[plan.constSlots()[i]] = consts.get(i).data();
        for (int i = 0; i < args.size(); i++) env[plan.inputSlots()[i]] = args.get(i).data();
        Object[] kept = spare.getAndSet(null);
        if (kept != null) for (int i = 0; i < reused.length; i++) env[reused[i]] = kept[i];
        if (prefetch != null) prefetch.take(env);
        for (int s = 0; s < allocate.length; s++) {
            if (allocate[s] && env[s] == null) {
                AbstractArray t = plan.slots().get(s);
                env[s] = Tensor.allocate(t.dtype(), t.shape().size());
            }
        }
        try {
            run.invokeExact(env, steps);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        List<Tensor> out = new ArrayList<>(plan.outputs().size());
        for (Plan.Output o : plan.outputs()) {
            out.add(switch (o) {
                case Plan.SlotOutput so -> Tensor.wrap(so.type(), env[so.slot()]);
                case Plan.LiteralOutput lo -> Tensor.of(lo.literal());
            });
        }
        if (prefetch != null) prefetch.refill();
        if (reused.length > 0) {
            Object[] back = new Object[reused.length];
            for (int i = 0; i < reused.length; i++) back[i] = env[reused[i]];
            spare.set(back);
        }
        return out;
    }
}
