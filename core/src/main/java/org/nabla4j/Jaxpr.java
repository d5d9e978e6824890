package org.nabla4j;

import java.util.List;
import org.nabla4j.ir.Program;

/**
 * A traced function as returned by {@link Nabla#makeJaxpr}: the program, the arrays bound to its
 * constants (captured arrays), and the structures of its arguments and result. Prints as the
 * program's text form, which {@link org.nabla4j.ir.ProgramParser} reads back.
 */
public record Jaxpr(Program program, List<NDArray> consts, TreeDef inDef, TreeDef outDef) {
    @Override
    public String toString() { return program.toString(); }
}
