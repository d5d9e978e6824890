package org.nabla4j.ir.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Tensor;
import org.nabla4j.ir.Verifier;
import org.nabla4j.ir.gen.RandomPrograms;
import org.nabla4j.ir.gen.RandomPrograms.Config;
import org.nabla4j.ir.gen.Tries;

/**
 * The law of the batching pass, per primitive: running {@code vmap(p)} on stacked arguments equals
 * running {@code p} on each batch element and stacking the results, for random programs around
 * the primitive, random in and out axes, unmapped arguments and batch sizes 1 to 3. The batched
 * program verifies, and its equation count does not depend on the batch size.
 */
class VmapMatchesLoopTest {
    /** One random instance: a program, where its inputs and outputs are batched, and values for it. */
    record Instance(Program program, List<Integer> inAxes, int size, List<Integer> outAxes, List<Tensor> consts, List<Tensor> args) {
        static Instance random(Program p, Random r) {
            int size = 1 + r.nextInt(3);
            List<Integer> inAxes = randomAxes(r, p.inputTypes(), true);
            List<Integer> outAxes = randomAxes(r, p.outputTypes(), false);
            List<Tensor> consts = p.constTypes().stream().map(t -> LoopAndStack.random(r, t)).toList();
            List<Tensor> args = new ArrayList<>();
            for (int i = 0; i < inAxes.size(); i++) args.add(LoopAndStack.batchedArgument(r, p.inputTypes().get(i), inAxes.get(i), size));
            return new Instance(p, inAxes, size, outAxes, consts, args);
        }

        List<Tensor> expected() {
            return LoopAndStack.apply(LoopAndStack.interpret(program, consts), args, inAxes, size, outAxes);
        }

        Program batched(int batchSize) {
            return Verifier.verify(Vmap.vmap(program, inAxes, batchSize, outAxes));
        }

        @Override
        public String toString() {
            return "in_axes=" + inAxes + " size=" + size + " out_axes=" + outAxes + "\n" + program;
        }
    }

    /** An axis per value in [0, rank]; a third of the inputs not mapped (null). */
    static List<Integer> randomAxes(Random r, List<AbstractArray> types, boolean allowUnmapped) {
        List<Integer> axes = new ArrayList<>();
        for (AbstractArray t : types) axes.add(allowUnmapped && r.nextInt(3) == 0 ? null : r.nextInt(t.rank() + 1));
        return axes;
    }

    @TestFactory
    Stream<DynamicTest> vmapOfEachPrimitiveEqualsLoopAndStack() {
        return forEachPrimitive((p, r) -> assertBatchedEqualsLoop(Instance.random(PrimitiveCases.of(p, r), r)));
    }

    /** Chains of primitives: each rule meets operands whose batch axes other rules chose. */
    @Test
    void vmapOfRandomProgramsEqualsLoopAndStack() {
        Tries.qt().forAll(RandomPrograms.programs(Config.defaults().withEquations(1, 20)), longs().all())
                .checkAssert((p, seed) -> assertBatchedEqualsLoop(Instance.random(p, new Random(seed))));
    }

    private static void assertBatchedEqualsLoop(Instance c) {
        Program batched = c.batched(c.size());
        List<Tensor> actual = Interpreter.run(batched, c.consts(), c.args());
        assertEquals(c.expected(), actual, () -> c + "\nbatched:\n" + batched);
        assertEquals(batched.equations().size(), c.batched(c.size() + 3).equations().size(),
                () -> "equation count depends on the batch size for " + c);
    }

    @TestFactory
    Stream<DynamicTest> nestedVmapEqualsTheDoubleLoop() {
        return forEachPrimitive((p, r) -> {
            Instance inner = Instance.random(PrimitiveCases.of(p, r), r);
            Instance outer = Instance.random(inner.batched(inner.size()), r);
            Program twice = outer.batched(outer.size());
            Function<List<Tensor>, List<Tensor>> innerLoop = args ->
                    LoopAndStack.apply(LoopAndStack.interpret(inner.program(), inner.consts()), args, inner.inAxes(), inner.size(), inner.outAxes());
            List<Tensor> expected = LoopAndStack.apply(innerLoop, outer.args(), outer.inAxes(), outer.size(), outer.outAxes());
            assertEquals(expected, Interpreter.run(twice, inner.consts(), outer.args()), () -> "inner " + inner + "\nouter " + outer);
        });
    }

    @Test
    void everyPrimitiveHasABatchingRule() {
        List<Primitive> missing = Arrays.stream(Primitive.values()).filter(p -> !Vmap.hasRule(p)).toList();
        assertEquals(List.of(), missing, "primitives without a batching rule");
    }

    /** One dynamic test per primitive, each checking {@code property} for {@code nabla.tries} random seeds. */
    private static Stream<DynamicTest> forEachPrimitive(BiConsumer<Primitive, Random> property) {
        return Arrays.stream(Primitive.values()).map(p -> DynamicTest.dynamicTest(p.irName(), () ->
                Tries.qt().forAll(longs().all()).checkAssert(seed -> property.accept(p, new Random(seed)))));
    }
}
