package org.nabla4j.ir;

import java.util.ArrayList;
import java.util.List;

/** The reference semantics: evaluates a program equation by equation with {@link PrimitiveRules}. */
public final class Interpreter {
    private Interpreter() {}

    /** Runs {@code p} with its constants bound to {@code consts} and its inputs to {@code args}. */
    public static List<Tensor> run(Program p, List<Tensor> consts, List<Tensor> args) {
        bindCheck("constant", p.constTypes(), consts);
        bindCheck("argument", p.inputTypes(), args);
        Tensor[] env = new Tensor[p.types().size()];
        for (int i = 0; i < consts.size(); i++) env[p.constVars().get(i).id()] = consts.get(i);
        for (int i = 0; i < args.size(); i++) env[p.inputs().get(i).id()] = args.get(i);
        for (Equation e : p.equations()) {
            List<Tensor> in = new ArrayList<>(e.operands().size());
            for (Atom a : e.operands()) in.add(read(env, a));
            List<Tensor> out = PrimitiveRules.apply(e.primitive(), e.params(), in);
            for (int i = 0; i < out.size(); i++) env[e.results().get(i).id()] = out.get(i);
        }
        List<Tensor> results = new ArrayList<>(p.outputs().size());
        for (Atom a : p.outputs()) results.add(read(env, a));
        return results;
    }

    private static Tensor read(Tensor[] env, Atom a) {
        return switch (a) {
            case Var v -> env[v.id()];
            case Literal l -> Tensor.of(l);
        };
    }

    private static void bindCheck(String what, List<AbstractArray> expected, List<Tensor> given) {
        if (expected.size() != given.size()) {
            throw new IllegalArgumentException("program takes " + expected.size() + " " + what + "s, got " + given.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).equals(given.get(i).type())) {
                throw new IllegalArgumentException(what + " " + i + " has type " + given.get(i).type() + ", program expects " + expected.get(i));
            }
        }
    }
}
