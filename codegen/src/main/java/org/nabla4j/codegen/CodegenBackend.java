package org.nabla4j.codegen;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Backend;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Tensor;

/**
 * Compiles programs to JVM bytecode: {@link FusionPlanner} groups equations into loops,
 * {@link BytecodeEmitter} writes a class for them, and the class is defined as a hidden class
 * (unloadable once the compiled program is unreachable). Equations without a lowering run in the
 * interpreter inside the compiled program.
 */
public final class CodegenBackend implements Backend {
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final MethodType RUN = MethodType.methodType(void.class, Object[].class, Object[].class);
    private static final MethodType KERNEL = MethodType.methodType(void.class, Object[].class, int.class, int.class);

    private final BytecodeEmitter.Options options;
    /** The heaviest fused-loop expression kept whole ({@link KernelSizeLimit}). */
    private final int maxKernelWeight;

    private CodegenBackend(BytecodeEmitter.Options options) {
        this(options, KernelSizeLimit.MAX_WEIGHT);
    }

    private CodegenBackend(BytecodeEmitter.Options options, int maxKernelWeight) {
        this.options = options;
        this.maxKernelWeight = maxKernelWeight;
    }

    /** Vector loops with the machine's preferred width; large loops split across the cores. */
    public static CodegenBackend preferred() { return new CodegenBackend(BytecodeEmitter.Options.PREFERRED); }

    /**
     * Preferred vector width, with loops of at least {@code elements} elements split across the
     * cores ({@code 0}: never split). For tests of the parallel path on small arrays.
     */
    public static CodegenBackend withParallelThreshold(int elements) {
        return new CodegenBackend(new BytecodeEmitter.Options(-1, elements));
    }

    /** Vector loops of a forced width in bits (64, 128, 256, 512), or 0 for scalar loops only. */
    public static CodegenBackend withVectorBits(int bits) {
        if (bits != 0 && bits != 64 && bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("vector width must be 0, 64, 128, 256 or 512 bits, got " + bits);
        }
        return new CodegenBackend(new BytecodeEmitter.Options(bits, BytecodeEmitter.Options.DEFAULT_PARALLEL_THRESHOLD));
    }

    /**
     * Vector loops of a forced width (as {@link #withVectorBits}), with every fused-loop expression
     * heavier than {@code weight} cut into several loops: for tests of the cutting on small programs.
     */
    static CodegenBackend withMaxKernelWeight(int bits, int weight) {
        return new CodegenBackend(withVectorBits(bits).options, weight);
    }

    @Override
    public Executable compile(Program program) {
        Plan plan = plan(program);
        String name = "org/nabla4j/codegen/Compiled$" + COUNTER.incrementAndGet();
        byte[] bytes = BytecodeEmitter.emit(name, plan, options);
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(bytes, true);
            MethodHandle run = hidden.findStatic(hidden.lookupClass(), "run", RUN);
            return new CompiledProgram(plan, run, runtimeSteps(plan, hidden));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated class could not be defined", e);
        }
    }

    /** The class bytes the backend would define for {@code program}; for tests and inspection. */
    public byte[] bytecode(Program program) {
        return BytecodeEmitter.emit("org/nabla4j/codegen/Compiled$" + COUNTER.incrementAndGet(), plan(program), options);
    }

    /** Fused loops, none too large for HotSpot to compile ({@link KernelSizeLimit}). */
    private Plan plan(Program program) {
        return KernelSizeLimit.apply(FusionPlanner.plan(program), maxKernelWeight);
    }

    /** The run-time steps and control-flow objects in the order the generated run method takes them. */
    private Object[] runtimeSteps(Plan plan, MethodHandles.Lookup hidden) throws ReflectiveOperationException {
        List<Object> steps = new ArrayList<>();
        addRuntimeSteps(plan.steps(), hidden, steps, new int[1]);
        return steps.toArray();
    }

    private void addRuntimeSteps(List<Plan.Step> planSteps, MethodHandles.Lookup hidden, List<Object> out, int[] kernelIndex)
            throws ReflectiveOperationException {
        for (Plan.Step s : planSteps) {
            switch (s) {
                case Plan.KernelStep ks -> {
                    String name = "k" + kernelIndex[0]++;
                    if (KernelSplit.parallel(ks.kernel(), options)) {
                        MethodHandle k = hidden.findStatic(hidden.lookupClass(), name, KERNEL);
                        boolean inner = KernelSplit.splitsInner(ks.kernel(), KernelSplit.nestOf(ks.kernel()));
                        out.add(new ParallelKernel(k, KernelSplit.range(ks.kernel()), inner));
                    }
                }
                case Plan.InterpretStep is -> {
                    RuntimeStep dot = is.equation().primitive() == org.nabla4j.ir.Primitive.DOT_GENERAL
                            ? DotStep.tryCreate(is.equation(), is.operands(), is.operandTypes(), is.resultSlots()) : null;
                    out.add(dot != null ? dot : new InterpretedEquation(is.equation(), is.operands(), is.operandTypes(), is.resultSlots(), this));
                }
                case Plan.ScanStep sc -> out.add(sc.loop());
                case Plan.WhileStep w -> out.add(w.loop());
                case Plan.CondStep c -> out.add(c.branch());
            }
            for (List<Plan.Step> block : Plan.blocks(s)) addRuntimeSteps(block, hidden, out, kernelIndex);
        }
    }

    @Override
    public String toString() {
        return "codegen(" + (options.vectorBits() < 0 ? "preferred vector width" : options.vectorBits() == 0 ? "scalar" : options.vectorBits() + "-bit vectors")
                + (maxKernelWeight == KernelSizeLimit.MAX_WEIGHT ? "" : ", loops cut at weight " + maxKernelWeight) + ")";
    }

    /** A compiled program: fills the buffer table, runs the generated code, wraps the outputs. */
    private record CompiledProgram(Plan plan, MethodHandle run, Object[] steps, boolean[] allocate) implements Executable {
        CompiledProgram(Plan plan, MethodHandle run, Object[] steps) {
            this(plan, run, steps, allocationMask(plan));
        }

        /** Slots the generated loops write; inputs, constants and interpreter results bring their own arrays. */
        private static boolean[] allocationMask(Plan plan) {
            boolean[] alloc = new boolean[plan.slots().size()];
            markKernelOutputs(plan.steps(), alloc);
            return alloc;
        }

        private static void markKernelOutputs(List<Plan.Step> steps, boolean[] alloc) {
            for (Plan.Step s : steps) {
                if (s instanceof Plan.KernelStep k) alloc[k.kernel().outSlot()] = true;
                for (List<Plan.Step> block : Plan.blocks(s)) markKernelOutputs(block, alloc);
            }
        }

        @Override
        public List<Tensor> run(List<Tensor> consts, List<Tensor> args) {
            Object[] env = new Object[allocate.length];
            for (int i = 0; i < consts.size(); i++) env[plan.constSlots()[i]] = consts.get(i).data();
            for (int i = 0; i < args.size(); i++) env[plan.inputSlots()[i]] = args.get(i).data();
            for (int s = 0; s < allocate.length; s++) {
                if (allocate[s]) {
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
            return out;
        }
    }
}
