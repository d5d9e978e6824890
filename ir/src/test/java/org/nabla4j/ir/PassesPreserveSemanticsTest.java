package org.nabla4j.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nabla4j.DType;
import org.nabla4j.ir.gen.RandomPrograms;
import org.nabla4j.ir.gen.RandomPrograms.Case;
import org.nabla4j.ir.gen.RandomPrograms.Config;
import org.nabla4j.ir.gen.Tries;
import org.quicktheories.core.Gen;

/** Every pass keeps a program's interface and results, and does the one job it is named for. */
class PassesPreserveSemanticsTest {
    private static final Gen<Case> CASES = RandomPrograms.cases(Config.defaults().withSpecialValues(true))
            .mix(RandomPrograms.cases(Config.defaults().withDType(DType.F64)));
    private static final Gen<Program> PROGRAMS = CASES.map(Case::program);

    enum Pass {
        DCE(Passes::dce), CSE(Passes::cse), FOLD_CONSTANTS(Passes::foldConstants), SIMPLIFY(Passes::simplify);

        final UnaryOperator<Program> run;

        Pass(UnaryOperator<Program> run) { this.run = run; }
    }

    /**
     * Results must be identical, not merely close: the passes only drop, share or pre-evaluate
     * equations, and folding evaluates with the interpreter's own rules, rounding once to the
     * result dtype just as the interpreter would. Tensor equality compares floats bit for bit up
     * to NaN payloads, so NaN equals NaN while -0.0 differs from 0.0.
     */
    @ParameterizedTest
    @EnumSource(Pass.class)
    void keepsTheInterfaceAndTheResults(Pass pass) {
        Tries.qt().forAll(CASES).checkAssert(c -> {
            Program p = c.program();
            Program q = Verifier.verify(pass.run.apply(p));
            assertEquals(p.constTypes(), q.constTypes());
            assertEquals(p.inputTypes(), q.inputTypes());
            assertEquals(p.outputTypes(), q.outputTypes());
            assertEquals(c.run(), c.run(q));
            assertTrue(q.equations().size() <= p.equations().size(), "a pass never adds equations");
        });
    }

    /** Some result of every remaining equation is used: a dead set of equations would have a last member with no use. */
    @Test
    void dceLeavesNoDeadEquation() {
        Tries.qt().forAll(PROGRAMS).checkAssert(p -> {
            Program q = Passes.dce(p);
            Set<Atom> used = new HashSet<>(q.outputs());
            q.equations().forEach(e -> used.addAll(e.operands()));
            for (Equation e : q.equations()) assertTrue(e.results().stream().anyMatch(used::contains), "dead: " + e);
        });
    }

    @Test
    void cseLeavesNoTwoEqualEquations() {
        Tries.qt().forAll(PROGRAMS).checkAssert(p -> {
            Set<List<Object>> seen = new HashSet<>();
            for (Equation e : Passes.cse(p).equations()) {
                assertTrue(seen.add(List.of(e.primitive(), e.params(), e.operands())), "repeated: " + e);
            }
        });
    }

    @Test
    void foldLeavesNoEquationOfScalarLiterals() {
        Tries.qt().forAll(PROGRAMS).checkAssert(p -> {
            Program q = Passes.foldConstants(p);
            for (Equation e : q.equations()) {
                boolean literalsOnly = !e.operands().isEmpty() && e.operands().stream().allMatch(a -> a instanceof Literal);
                boolean scalar = e.results().stream().allMatch(v -> q.type(v).rank() == 0);
                assertFalse(literalsOnly && scalar, "not folded: " + e);
            }
        });
    }

    /** Fold, CSE and DCE each finish their job in one run, so the pipeline is a fixed point after one run. */
    @Test
    void simplifyIsIdempotent() {
        Tries.qt().forAll(PROGRAMS).checkAssert(p -> {
            Program once = Passes.simplify(p);
            assertEquals(once, Passes.simplify(once));
        });
    }

    /** Found by the property above: a dead use of a product kept the transpose rewrite from firing until a second run. */
    @Test
    void aDeadUseDoesNotPostponeTheTransposeOfAProduct() {
        Program p = ProgramParser.parse("""
                { lambda ; a:f32[2] b:f32[1,4] c:f32[4,3]. let
                    d:f32[1,3] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] b c
                    e:f32[3,1] = transpose[permutation=(1, 0)] d
                    f:f32[1,3] = neg d
                    g:f32[3,1] = neg e
                  in (g) }""");
        Program once = Passes.simplify(p);
        assertEquals(once, Passes.simplify(once));
        assertTrue(once.equations().stream().noneMatch(e -> e.primitive() == Primitive.TRANSPOSE), once::toString);
    }

    /** Inlining a program whose constants and inputs become the caller's own rebuilds the program. */
    @Test
    void inliningIntoAnEmptyBuilderIsTheIdentity() {
        Tries.qt().forAll(PROGRAMS).checkAssert(p -> {
            ProgramBuilder b = new ProgramBuilder();
            List<Var> consts = p.constTypes().stream().map(b::constVar).toList();
            List<Var> args = p.inputTypes().stream().map(b::input).toList();
            assertEquals(p, b.build(b.inline(p, consts, args)));
        });
    }

    @Test
    void dceDropsEquationsThatReachNoOutput() {
        assertPass(Passes::dce, """
                { lambda ; a:f32[3]. let
                    b:f32[3] = sin a
                    c:f32[3] = cos b
                    d:f32[3] = exp a
                  in (d) }""", """
                { lambda ; a:f32[3]. let
                    b:f32[3] = exp a
                  in (b) }""");
    }

    @Test
    void cseRemovesADuplicatedEquation() {
        assertPass(Passes::cse, """
                { lambda ; a:f32[3]. let
                    b:f32[3] = sin a
                    c:f32[3] = sin a
                    d:f32[3] = add b c
                  in (d) }""", """
                { lambda ; a:f32[3]. let
                    b:f32[3] = sin a
                    c:f32[3] = add b b
                  in (c) }""");
    }

    /** Equal but for params or literal values is not equal: even 0.0 and -0.0 differ (1 * -0.0 is -0.0). */
    @Test
    void cseKeepsEquationsThatDifferInParamsOrLiterals() {
        String text = """
                { lambda ; a:f32[2,3]. let
                    b:f32[3] = reduce_sum[axes=(0)] a
                    c:f32[2] = reduce_sum[axes=(1)] a
                    d:f32[2,3] = mul a 0.0:f32
                    e:f32[2,3] = mul a -0.0:f32
                  in (b, c, d, e) }""";
        assertPass(Passes::cse, text, text);
    }

    @Test
    void foldReplacesEquationsOfScalarLiteralsByTheirValues() {
        assertPass(Passes::foldConstants, """
                { lambda ; a:f32[3]. let
                    b:f32[] = add 2.0:f32 3.0:f32
                    c:f32[] = mul b 0.5:f32
                    d:f32[3] = mul a c
                    e:bool[] = lt c 1.0:f32
                  in (d, b, e) }""", """
                { lambda ; a:f32[3]. let
                    b:f32[3] = mul a 2.5:f32
                  in (b, 5.0:f32, false:bool) }""");
    }

    /** (A·B)ᵀ = Bᵀ·Aᵀ: the transposed product of a gradient becomes one product, the transposing copy gone. */
    @Test
    void aTransposeOfAProductsOnlyResultIsTheProductWithSwappedOperands() {
        assertPass(p -> Passes.dce(Passes.simplifyAlgebra(p)), """
                { lambda ; a:f32[4,3] b:f32[4,5]. let
                    c:f32[3,5] = dot_general[lhs_contract=(0) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b
                    d:f32[5,3] = transpose[permutation=(1, 0)] c
                  in (d) }""", """
                { lambda ; a:f32[4,3] b:f32[4,5]. let
                    c:f32[5,3] = dot_general[lhs_contract=(0) rhs_contract=(0) lhs_batch=() rhs_batch=()] b a
                  in (c) }""");
        // Kept: the product is used again; its batch axes would move; the transpose mixes the sides.
        for (String kept : List.of("""
                { lambda ; a:f32[4,3] b:f32[4,5]. let
                    c:f32[3,5] = dot_general[lhs_contract=(0) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b
                    d:f32[5,3] = transpose[permutation=(1, 0)] c
                  in (d, c) }""", """
                { lambda ; a:f32[2,4,3] b:f32[2,4,5]. let
                    c:f32[2,3,5] = dot_general[lhs_contract=(1) rhs_contract=(1) lhs_batch=(0) rhs_batch=(0)] a b
                    d:f32[2,5,3] = transpose[permutation=(0, 2, 1)] c
                  in (d) }""", """
                { lambda ; a:f32[2,6,4] b:f32[4,5]. let
                    c:f32[2,6,5] = dot_general[lhs_contract=(2) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b
                    d:f32[6,2,5] = transpose[permutation=(1, 0, 2)] c
                  in (d) }""")) {
            assertPass(Passes::simplifyAlgebra, kept, kept);
        }
    }

    /** Folding makes scalars only: an array built from literals stays an equation. */
    @Test
    void foldLeavesArraysOfLiterals() {
        String text = """
                { lambda ; . let
                    a:f32[3] = broadcast_in_dim[shape=(3) dims=()] 1.0:f32
                    b:f32[3] = iota[dtype=f32 shape=(3) dimension=0]
                  in (a, b) }""";
        assertPass(Passes::foldConstants, text, text);
    }

    /** Folding exposes the duplicate, CSE shares it, and DCE drops what sharing left unused. */
    @Test
    void simplifyFoldsThenSharesThenDrops() {
        assertPass(Passes::simplify, """
                { lambda ; a:f32[3]. let
                    b:f32[] = add 1.0:f32 1.0:f32
                    c:f32[3] = mul a b
                    d:f32[3] = mul a 2.0:f32
                    e:f32[3] = sin a
                    f:f32[3] = sub c d
                  in (f) }""", """
                { lambda ; a:f32[3]. let
                    b:f32[3] = mul a 2.0:f32
                    c:f32[3] = sub b b
                  in (c) }""");
    }

    private static void assertPass(UnaryOperator<Program> pass, String before, String after) {
        Program q = Verifier.verify(pass.apply(ProgramParser.parse(before)));
        assertEquals(after, q.toString());
    }
}
