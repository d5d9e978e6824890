package org.nabla4j.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nabla4j.DType;
import org.nabla4j.ir.gen.RandomPrograms;
import org.nabla4j.ir.gen.RandomPrograms.Case;
import org.nabla4j.ir.gen.RandomPrograms.Config;
import org.nabla4j.ir.gen.Tries;
import org.quicktheories.core.Gen;

/** The contract of {@link PrimitiveRules}: implementations give exactly the inferred types and never write their operands. */
class InterpreterContractTest {
    private static final Gen<Case> CASES = RandomPrograms.cases(Config.defaults().withSpecialValues(true))
            .mix(RandomPrograms.cases(Config.defaults().withDType(DType.F64)));

    @Test
    void everyValueHasTheTypeItsShapeRuleInferred() {
        Tries.qt().forAll(CASES).checkAssert(c -> {
            Program p = c.program();
            List<Atom> everything = new ArrayList<>();
            for (int id = 0; id < p.types().size(); id++) everything.add(new Var(id));
            Program all = new Program(p.constVars(), p.inputs(), p.equations(), everything, p.types());
            assertEquals(p.types(), c.run(all).stream().map(Tensor::type).toList());
        });
    }

    @Test
    void runningLeavesTheArgumentsAsTheyWere() {
        Tries.qt().forAll(CASES).checkAssert(c -> {
            List<Tensor> consts = c.consts().stream().map(InterpreterContractTest::copy).toList();
            List<Tensor> args = c.args().stream().map(InterpreterContractTest::copy).toList();
            List<Tensor> first = c.run();
            assertEquals(consts, c.consts());
            assertEquals(args, c.args());
            assertEquals(first, c.run(), "a second run gives the same results");
        });
    }

    private static Tensor copy(Tensor t) {
        Object data = Tensor.allocate(t.dtype(), t.size());
        System.arraycopy(t.data(), 0, data, 0, t.size());
        return Tensor.wrap(t.type(), data);
    }
}
