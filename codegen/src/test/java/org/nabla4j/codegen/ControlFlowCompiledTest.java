package org.nabla4j.codegen;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Tensor;

/** Compiled programs with scan, while and cond (sub-programs compiled, loops in Java) give the interpreter's results. */
class ControlFlowCompiledTest {
    static final String RNN = """
            { lambda ; w:f32[64,64] h:f32[64] xs:f32[50,64]. let
                a:f32[64] b:f32[50,64] = scan[body={ lambda ; w:f32[64,64] h:f32[64] x:f32[64]. let
                      c:f32[64] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] w h
                      d:f32[64] = add c x
                      e:f32[64] = tanh d
                    in (e, e) } length=50 reverse=false nconsts=1 ncarry=1] w h xs
                f:bool[] = gt 0.5:f32 0.0:f32
                g:i32[] = convert_element_type[new_dtype=i32] f
                k:f32[64] = cond[branches=({ lambda ; a:f32[64]. let
                      b:f32[64] = neg a
                    in (b) }, { lambda ; a:f32[64]. let
                      b:f32[64] = exp a
                    in (b) })] g a
                l:i32[] m:f32[64] = while[cond={ lambda ; i:i32[] v:f32[64]. let
                      c:bool[] = lt i 7:i32
                    in (c) } body={ lambda ; i:i32[] v:f32[64]. let
                      a:i32[] = add i 1:i32
                      b:f32[64] = mul v 0.9:f32
                    in (a, b) } nconsts=0] 0:i32 k
              in (m, b) }""";

    @Test
    void aRecurrentNetworkWithControlFlowMatchesTheInterpreter() {
        Program p = ProgramParser.parse(RNN);
        Random r = new Random(4);
        List<Tensor> args = p.inputTypes().stream().map(t -> scaled(FusedLoopSizesTest.random(t, r), 0.1)).toList();
        List<Tensor> expected = Interpreter.run(p, List.of(), args);
        for (int bits : new int[] {0, 128, 512}) {
            CodegenBackend backend = CodegenBackend.withVectorBits(bits);
            CompiledMatchesInterpreterTest.verify(backend.bytecode(p));
            CompiledMatchesInterpreterTest.assertClose(expected, backend.compile(p).run(List.of(), args), 1e-5, bits + " bits");
        }
    }

    private static Tensor scaled(Tensor t, double s) {
        float[] d = new float[t.size()];
        for (int i = 0; i < d.length; i++) d[i] = (float) (t.getDouble(i) * s);
        return Tensor.wrap(new AbstractArray(DType.F32, t.shape()), d);
    }
}
