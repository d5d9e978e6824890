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

    /**
     * Fusion; then loops too large for HotSpot to compile cut into several ({@link KernelSizeLimit});
     * then loops over the same rows grouped into blocks ({@link RowBlocking}); then loops that
     * overwrite an operand dying there in place ({@link InPlaceBuffers}).
     */
    Plan plan(Program program) {
        return InPlaceBuffers.apply(RowBlocking.apply(KernelSizeLimit.apply(FusionPlanner.plan(program), maxKernelWeight)));
    }

    /** The class bytes the backend would define for {@code program}; for tests and inspection. */
    public byte[] bytecode(Program program) {
        return BytecodeEmitter.emit("org/nabla4j/codegen/Compiled$" + COUNTER.incrementAndGet(), plan(program), options);
    }

    /** The run-time steps and control-flow objects in the order the generated run method takes them. */
    private Object[] runtimeSteps(Plan plan, MethodHandles.Lookup hidden) throws ReflectiveOperationException {
        List<Object> steps = new ArrayList<>();
        addRuntimeSteps(plan.steps(), hidden, steps, new int[1], new int[1]);
        return steps.toArray();
    }

    private void addRuntimeSteps(List<Plan.Step> planSteps, MethodHandles.Lookup hidden, List<Object> out, int[] kernelIndex, int[] groupIndex)
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
                case Plan.RowBlockStep rb -> {
                    kernelIndex[0] += rb.kernels().size();
                    String group = "g" + groupIndex[0]++;
                    if (RowBlocking.parallel(rb, options)) {
                        // Parts of a one-dimensional group keep vector loops whole (aligned), like a single loop's.
                        boolean elements = KernelSplit.nestOf(rb.kernels().getFirst()).rank() == 1;
                        out.add(new ParallelKernel(hidden.findStatic(hidden.lookupClass(), group, KERNEL), rb.rows(), elements));
                    }
                }
                case Plan.FusedDotStep d -> out.add(DotStep.create(d));
                case Plan.ScanStep sc -> out.add(sc.loop());
                case Plan.WhileStep w -> out.add(w.loop());
                case Plan.CondStep c -> out.add(c.branch());
            }
            for (List<Plan.Step> block : Plan.blocks(s)) addRuntimeSteps(block, hidden, out, kernelIndex, groupIndex);
        }
    }

    @Override
    public String toString() {
        return "codegen(" + (options.vectorBits() < 0 ? "preferred vector width" : options.vectorBits() == 0 ? "scalar" : options.vectorBits() + "-bit vectors")
                + (maxKernelWeight == KernelSizeLimit.MAX_WEIGHT ? "" : ", loops cut at weight " + maxKernelWeight) + ")";
    }
}
