package org.nabla4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.Tensor;
import org.nabla4j.ir.Verifier;

/**
 * Derivatives of every differentiable primitive, in f64 at random shapes: JVP against central
 * finite differences; VJP against JVP by {@code <vjp(u), v> = <u, jvp(v)>}; second derivatives of
 * the unary ones (forward over forward) against finite differences of the first.
 */
class DerivativePropertyTest {
    static final int TRIES = Integer.getInteger("nabla.tries", 60);
    static final double EPS = 1e-6;

    @Test
    void everyPrimitiveWithANonZeroDerivativeHasACase() {
        for (Primitive p : Primitive.values()) {
            if (!JvpRules.ZERO_DERIVATIVE.contains(p)) assertTrue(PrimitiveCases.covered().contains(p), "no derivative case for " + p);
        }
    }

    @TestFactory
    Stream<DynamicTest> jvpMatchesCentralDifferences() {
        return perPrimitive((c, r) -> {
            Program jvp = Verifier.verify(Autodiff.jvp(c.program(), c.wrt()));
            List<Tensor> v = randomLike(c, r);
            List<Tensor> ty = tangentsOut(jvp, c, v);
            List<Tensor> fd = finiteDifference(c.program(), c, v);
            for (int o = 0; o < ty.size(); o++) assertClose(fd.get(o), ty.get(o), 1e-6, c.name() + " output " + o);
        });
    }

    @TestFactory
    Stream<DynamicTest> vjpIsTheAdjointOfJvp() {
        return perPrimitive((c, r) -> {
            // A while loop with a traced trip count has no reverse mode (whileLoop with maxSteps does).
            if (c.name().equals("while")) return;
            Program jvp = Autodiff.jvp(c.program(), c.wrt());
            Program vjp = Verifier.verify(Autodiff.vjp(c.program(), c.wrt()));
            List<Tensor> v = randomLike(c, r);
            List<Tensor> jv = tangentsOut(jvp, c, v);
            List<Tensor> u = new ArrayList<>();
            for (Tensor t : jv) u.add(random(t, r));
            List<Tensor> in = new ArrayList<>(c.inputs());
            in.addAll(u);
            List<Tensor> out = Interpreter.run(vjp, List.of(), in);
            List<Tensor> vu = out.subList(c.program().outputs().size(), out.size());
            double lhs = 0, rhs = 0;
            for (int o = 0; o < u.size(); o++) lhs += dot(u.get(o), jv.get(o));
            for (int i = 0; i < v.size(); i++) rhs += dot(vu.get(i), v.get(i));
            assertEquals(lhs, rhs, 1e-9 * (1 + Math.abs(lhs)), c.name());
        });
    }

    @TestFactory
    Stream<DynamicTest> secondDerivativesOfUnaryPrimitives() {
        return PrimitiveCases.covered().stream().filter(p -> p.kind() == Primitive.Kind.UNARY).map(p ->
                DynamicTest.dynamicTest(p.irName(), () -> {
                    Random r = new Random(p.ordinal());
                    for (int i = 0; i < Math.max(3, TRIES / 10); i++) {
                        PrimitiveCases.Case c = PrimitiveCases.make(p, r);
                        // f'(x) v as a program of x alone, then its own derivative in direction v.
                        Program first = Autodiff.jvp(c.program(), c.wrt());
                        List<Tensor> v = randomLike(c, r);
                        Program second = Autodiff.jvp(first, new boolean[] {true, false});
                        List<Tensor> in = new ArrayList<>(c.inputs());
                        in.addAll(v);
                        in.addAll(v);
                        Tensor d2 = Interpreter.run(second, List.of(), in).get(3);
                        Tensor plus = Interpreter.run(first, List.of(), concat(shifted(c.inputs(), v, EPS), v)).get(1);
                        Tensor minus = Interpreter.run(first, List.of(), concat(shifted(c.inputs(), v, -EPS), v)).get(1);
                        assertClose(difference(plus, minus, 2 * EPS), d2, 1e-5, p.irName());
                    }
                }));
    }

    // ---- harness ----

    private interface Check {
        void run(PrimitiveCases.Case c, Random r);
    }

    private static Stream<DynamicTest> perPrimitive(Check check) {
        return PrimitiveCases.covered().stream().map(p -> DynamicTest.dynamicTest(p.irName(), () -> {
            Random r = new Random(31L * p.ordinal() + 7);
            for (int i = 0; i < Math.max(5, TRIES / 4); i++) check.run(PrimitiveCases.make(p, r), r);
        }));
    }

    /** Random tangents for the differentiable inputs. */
    private static List<Tensor> randomLike(PrimitiveCases.Case c, Random r) {
        List<Tensor> v = new ArrayList<>();
        for (int i = 0; i < c.inputs().size(); i++) if (c.wrt()[i]) v.add(random(c.inputs().get(i), r));
        return v;
    }

    private static Tensor random(Tensor like, Random r) {
        return PrimitiveCases.map(Tensor.wrap(like.type(), new double[like.size()]), x -> r.nextGaussian());
    }

    private static List<Tensor> tangentsOut(Program jvp, PrimitiveCases.Case c, List<Tensor> v) {
        List<Tensor> out = Interpreter.run(jvp, List.of(), concat(c.inputs(), v));
        return out.subList(c.program().outputs().size(), out.size());
    }

    private static List<Tensor> finiteDifference(Program p, PrimitiveCases.Case c, List<Tensor> v) {
        List<Tensor> plus = Interpreter.run(p, List.of(), shifted(c.inputs(), v, EPS));
        List<Tensor> minus = Interpreter.run(p, List.of(), shifted(c.inputs(), v, -EPS));
        List<Tensor> out = new ArrayList<>();
        for (int o = 0; o < plus.size(); o++) out.add(difference(plus.get(o), minus.get(o), 2 * EPS));
        return out;
    }

    /** The inputs moved by {@code h * v} along the differentiable ones. */
    private static List<Tensor> shifted(List<Tensor> inputs, List<Tensor> v, double h) {
        List<Tensor> out = new ArrayList<>();
        int k = 0;
        for (Tensor x : inputs) {
            if (!x.dtype().isFloating()) {
                out.add(x);
                continue;
            }
            Tensor d = v.get(k++);
            double[] data = new double[x.size()];
            for (int i = 0; i < data.length; i++) data[i] = x.getDouble(i) + h * d.getDouble(i);
            out.add(Tensor.wrap(x.type(), data));
        }
        return out;
    }

    private static Tensor difference(Tensor a, Tensor b, double over) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) d[i] = (a.getDouble(i) - b.getDouble(i)) / over;
        return Tensor.wrap(a.type().withDType(org.nabla4j.DType.F64), d);
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertEquals(expected.shape(), actual.shape(), what);
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            assertTrue(Math.abs(e - a) <= tol * (1 + Math.abs(e)),
                    () -> what + ": element mismatch, finite differences " + expected + " vs derivative " + actual);
        }
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += a.getDouble(i) * b.getDouble(i);
        return s;
    }

    private static List<Tensor> concat(List<Tensor> a, List<Tensor> b) {
        List<Tensor> r = new ArrayList<>(a);
        r.addAll(b);
        return r;
    }
}
