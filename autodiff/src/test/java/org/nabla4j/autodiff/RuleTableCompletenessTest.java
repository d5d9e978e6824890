package org.nabla4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nabla4j.ir.Equation;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;

/**
 * Walks the primitive set: every primitive is differentiable (a JVP rule or a known zero
 * derivative), and every primitive that a JVP rule applies to tangents has a transpose rule.
 */
class RuleTableCompletenessTest {
    @Test
    void everyPrimitiveHasAJvpRule() {
        for (Primitive p : Primitive.values()) assertTrue(Autodiff.hasJvpRule(p), "no JVP rule for " + p);
    }

    @Test
    void everyEquationOfEveryLinearPartHasATransposeRule() {
        for (Primitive p : PrimitiveCases.covered()) {
            // A while loop with a traced trip count has no reverse mode by design (whileLoop with maxSteps does).
            if (p == Primitive.WHILE) continue;
            Random r = new Random(p.ordinal());
            for (int i = 0; i < 5; i++) {
                PrimitiveCases.Case c = PrimitiveCases.make(p, r);
                Program jvp = Jvp.jvp(c.program(), c.wrt());
                PartialEval split = PartialEval.split(jvp, c.program().inputs().size(), c.program().outputs().size());
                for (Equation e : split.linear().equations()) {
                    assertTrue(Autodiff.hasTransposeRule(e.primitive()),
                            "the JVP of " + p + " applies " + e.primitive() + " to tangents, which has no transpose rule");
                }
            }
        }
    }
}
