package org.nabla4j.codegen;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Tensor;

/** A comparison converted to a number (the gradient of max does this) is 1 or 0 per lane at every width. */
class MaskConversionTest {
    @Test
    void aComparisonConvertedToANumberIsOneOrZero() {
        for (String t : List.of("f32", "f64")) {
            Program p = ProgramParser.parse(("""
                    { lambda ; x:T[1031] y:T[1031]. let
                        c:bool[1031] = gt x y
                        d:T[1031] = convert_element_type[new_dtype=T] c
                        e:bool[1031] = lt x 0.0:T
                        f:bool[1031] = and c e
                        g:T[1031] = convert_element_type[new_dtype=T] f
                        h:T[1031] = mul d x
                        k:T[1031] = add h g
                      in (k) }""").replace("T", t));
            Random r = new Random(9);
            List<Tensor> args = p.inputTypes().stream().map(ty -> FusedLoopSizesTest.random(ty, r)).toList();
            List<Tensor> expected = Interpreter.run(p, List.of(), args);
            for (int bits : CompiledMatchesInterpreterTest.WIDTHS) {
                CodegenBackend backend = CodegenBackend.withVectorBits(bits);
                CompiledMatchesInterpreterTest.verify(backend.bytecode(p));
                CompiledMatchesInterpreterTest.assertClose(expected, backend.compile(p).run(List.of(), args), 0, t + " at " + bits + " bits");
            }
        }
    }
}
