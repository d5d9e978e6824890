package org.nabla4j.ir;

import java.util.List;

/**
 * Turns a program into something that runs it. The interpreter is the reference backend; the
 * {@code codegen} module provides a compiling one.
 */
public interface Backend {
    /** Something that runs one program: {@code run(consts, args)} returns the program's outputs. */
    @FunctionalInterface
    interface Executable {
        List<Tensor> run(List<Tensor> consts, List<Tensor> args);
    }

    Executable compile(Program program);

    /** The reference backend: every call interprets the program. */
    Backend INTERPRETER = new Backend() {
        @Override
        public Executable compile(Program program) {
            return (consts, args) -> Interpreter.run(program, consts, args);
        }

        @Override
        public String toString() { return "interpreter"; }
    };
}
