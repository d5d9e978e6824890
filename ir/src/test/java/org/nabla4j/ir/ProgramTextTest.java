package org.nabla4j.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nabla4j.DType;

class ProgramTextTest {
    static final String DESIGN_EXAMPLE = """
            { lambda ; a:f32[3,4] b:f32[4]. let
                c:f32[3,4] = broadcast_in_dim[shape=(3, 4) dims=(1)] b
                d:f32[3,4] = add a c
                e:f32[] = reduce_sum[axes=(0, 1)] d
              in (e) }""";

    @Test
    void designExampleParsesAndPrintsIdentically() {
        Program p = ProgramParser.parse(DESIGN_EXAMPLE);
        assertEquals(DESIGN_EXAMPLE, p.toString());
        assertEquals(p, ProgramParser.parse(p.toString()));
    }

    @Test
    void designExampleEvaluates() {
        Program p = ProgramParser.parse(DESIGN_EXAMPLE);
        Tensor a = Tensor.wrap(AbstractArray.of(DType.F32, 3, 4), new float[12]);
        Tensor b = Tensor.wrap(AbstractArray.of(DType.F32, 4), new float[] {1, 2, 3, 4});
        List<Tensor> out = Interpreter.run(p, List.of(), List.of(a, b));
        assertEquals(30.0, out.getFirst().getDouble(0));
    }

    @Test
    void literalsConstantsAndMultipleResultsRoundTrip() {
        String text = """
                { lambda a:f32[3]; b:f32[3] c:i32[3]. let
                    d:f32[3] = mul b 2.0:f32
                    e:f32[3] = add d a
                    f:f32[3] g:i32[3] = sort[dimension=0 num_keys=1] e c
                    h:bool[3] = lt f -inf:f32
                  in (g, h, 1.0E-5:f64) }""";
        Program p = ProgramParser.parse(text);
        assertEquals(text, p.toString());
    }

    @Test
    void parserRejectsDeclaredTypeThatDisagreesWithTheRule() {
        String text = """
                { lambda ; a:f32[3]. let
                    b:f32[4] = sin a
                  in (b) }""";
        assertThrows(IllegalArgumentException.class, () -> ProgramParser.parse(text));
    }

    @Test
    void varNamesAreBase26() {
        assertEquals("a", Var.name(0));
        assertEquals("z", Var.name(25));
        assertEquals("ba", Var.name(26));
        for (int i = 0; i < 20000; i += 7) assertEquals(i, Var.idOf(Var.name(i)));
        assertArrayEquals(new int[] {3, 4}, Shape.of(3, 4).dims());
    }
}
