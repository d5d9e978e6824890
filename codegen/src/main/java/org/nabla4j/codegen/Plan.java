package org.nabla4j.codegen;

import java.util.List;
import org.nabla4j.codegen.kernels.Epilogue;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Literal;

/**
 * How a program runs: buffers in numbered slots, and steps that fill them in order. Constants and
 * inputs occupy the first slots (in program order); every other slot is written by exactly one step.
 *
 * @param slots the type of each slot's buffer
 * @param constSlots the slots of the program's constants
 * @param inputSlots the slots of the program's inputs
 * @param steps fused loops and run-time operations, in execution order
 * @param outputs where each program output comes from
 */
record Plan(List<AbstractArray> slots, int[] constSlots, int[] inputSlots, List<Step> steps, List<Output> outputs) {

    /** One step of a plan. */
    sealed interface Step {}

    /** A fused loop, compiled to bytecode. */
    record KernelStep(Kernel kernel) implements Step {}

    /**
     * An equation without a lowering: evaluated by the interpreter's rule on the slots' buffers.
     * {@code operands} holds a slot (Integer) or a Literal per operand; {@code operandTypes} the
     * operands' types (a slot may hold a buffer of another shape that the operand reshapes).
     */
    record InterpretStep(Equation equation, Object[] operands, List<AbstractArray> operandTypes, int[] resultSlots)
            implements Step {}

    /**
     * Fused loops over the same rows run block by block: each kernel on rows [0, b), then each on
     * [b, 2b), … (see {@link RowBlocking}).
     */
    record RowBlockStep(List<Kernel> kernels, int rows, int blockRows) implements Step {}

    /**
     * A {@code dot_general} on the GEMM kernel ({@link DotStep}) with the elementwise equations
     * that consume it folded into the kernel's {@link Epilogue}: the result slot receives
     * {@code activation(lhs · rhs + bias)}, the bias read from {@code biasSlot} at
     * {@code biasOffset + j} (along n) or {@code biasOffset + i} (along m), the same for every
     * batch. Planned only for layouts {@link DotStep} takes; see {@link EpilogueChain}.
     */
    record FusedDotStep(Equation dot, int lhsSlot, int rhsSlot, List<AbstractArray> operandTypes, Epilogue epilogue,
                        int biasSlot, int biasOffset, int resultSlot) implements Step {}

    /**
     * A {@code scan} as a JVM loop in the generated method: the body's steps run once per
     * iteration between {@link ScanLoop#begin} and {@link ScanLoop#end}, on buffers allocated once
     * per call.
     */
    record ScanStep(ScanLoop loop, List<Step> body) implements Step {}

    /** A {@code while}: the cond steps, a test of their result, then the body steps, until the test fails. */
    record WhileStep(WhileLoop loop, List<Step> cond, List<Step> body) implements Step {}

    /** A {@code cond}/{@code switch}: a jump to the steps of the selected branch only. */
    record CondStep(CondBranch branch, List<List<Step>> branches) implements Step {}

    /** The nested step lists of a control-flow step, in the order the emitter and the backend walk them. */
    static List<List<Step>> blocks(Step s) {
        return switch (s) {
            case ScanStep sc -> List.of(sc.body());
            case WhileStep w -> List.of(w.cond(), w.body());
            case CondStep c -> c.branches();
            case KernelStep k -> List.of();
            case RowBlockStep r -> List.of();
            case InterpretStep i -> List.of();
            case FusedDotStep d -> List.of();
        };
    }

    /** A program output: a slot's buffer (possibly viewed with another shape), or a literal. */
    sealed interface Output {}

    record SlotOutput(int slot, AbstractArray type) implements Output {}

    record LiteralOutput(Literal literal) implements Output {}
}
