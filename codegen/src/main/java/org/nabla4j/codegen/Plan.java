package org.nabla4j.codegen;

import java.util.List;
import org.nabla4j.ir.AbstractArray;
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
    record InterpretStep(org.nabla4j.ir.Equation equation, Object[] operands, List<AbstractArray> operandTypes, int[] resultSlots)
            implements Step {}

    /** A program output: a slot's buffer (possibly viewed with another shape), or a literal. */
    sealed interface Output {}

    record SlotOutput(int slot, AbstractArray type) implements Output {}

    record LiteralOutput(Literal literal) implements Output {}
}
