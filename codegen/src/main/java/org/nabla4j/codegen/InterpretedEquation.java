package org.nabla4j.codegen;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Backend;
import org.nabla4j.ir.ControlFlowRules;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Literal;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.PrimitiveRules;
import org.nabla4j.ir.Tensor;

/**
 * An equation that runs as Java code inside a compiled program: control flow (a Java loop over
 * compiled sub-programs), or, for a primitive with no lowering, its interpreter rule on the
 * program's buffers. Logged once per primitive per process (at DEBUG level, so applications'
 * output stays quiet), never a wrong answer.
 */
final class InterpretedEquation implements RuntimeStep {
    private static final System.Logger LOG = System.getLogger("org.nabla4j.codegen");
    private static final Set<Primitive> LOGGED = ConcurrentHashMap.newKeySet();

    private final Equation equation;
    private final Object[] operands;
    private final List<AbstractArray> operandTypes;
    private final int[] resultSlots;
    /** For control flow: the sub-programs compiled once, by identity; null for other primitives. */
    private final Map<Program, Backend.Executable> compiledSubPrograms;

    /** @param operands per operand, its slot (an Integer) or a Literal */
    InterpretedEquation(Equation equation, Object[] operands, List<AbstractArray> operandTypes, int[] resultSlots, Backend backend) {
        this.equation = equation;
        this.operands = operands.clone();
        this.operandTypes = List.copyOf(operandTypes);
        this.resultSlots = resultSlots.clone();
        if (equation.primitive().kind() == Primitive.Kind.CONTROL) {
            // Control flow runs in Java, but its sub-programs are compiled like any program.
            compiledSubPrograms = new IdentityHashMap<>();
            for (Object v : equation.params().asMap().values()) {
                if (v instanceof Program p) compiledSubPrograms.put(p, backend.compile(p));
                if (v instanceof List<?> l) for (Object o : l) if (o instanceof Program p) compiledSubPrograms.put(p, backend.compile(p));
            }
            return;
        }
        compiledSubPrograms = null;
        if (LOGGED.add(equation.primitive())) {
            LOG.log(System.Logger.Level.DEBUG, "codegen: no lowering for " + equation.primitive()
                    + "; it runs in the interpreter inside compiled programs");
        }
    }

    @Override
    public void run(Object[] buffers) {
        List<Tensor> in = new ArrayList<>(operands.length);
        for (int i = 0; i < operands.length; i++) {
            in.add(operands[i] instanceof Literal l ? Tensor.of(l) : Tensor.wrap(operandTypes.get(i), buffers[(Integer) operands[i]]));
        }
        List<Tensor> out = compiledSubPrograms != null
                ? ControlFlowRules.evaluate(equation.primitive(), equation.params(), in, compiledSubPrograms::get)
                : PrimitiveRules.apply(equation.primitive(), equation.params(), in);
        for (int i = 0; i < resultSlots.length; i++) buffers[resultSlots[i]] = out.get(i).data();
    }
}
