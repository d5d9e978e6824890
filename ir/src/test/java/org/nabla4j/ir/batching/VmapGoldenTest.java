package org.nabla4j.ir.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nabla4j.ShapeError;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramParser;
import org.nabla4j.ir.Verifier;

/** What the batching pass emits, as IR text in and IR text out. */
class VmapGoldenTest {
    private static final String DYNAMIC_SLICE = """
            { lambda ; a:f32[6] b:i32[]. let
                c:f32[2] = dynamic_slice[sizes=(2)] a b
              in (c) }""";

    private static String vmap(String program, List<Integer> inAxes, int size, List<Integer> outAxes) {
        return Verifier.verify(Vmap.vmap(ProgramParser.parse(program), inAxes, size, outAxes)).toString();
    }

    @Test
    void aMatrixTimesABatchOfVectorsIsOneDotGeneralNotALoop() {
        String p = """
                { lambda ; a:f32[3,4] b:f32[4]. let
                    c:f32[3] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b
                  in (c) }""";
        assertEquals("""
                { lambda ; a:f32[3,4] b:f32[5,4]. let
                    c:f32[3,5] = dot_general[lhs_contract=(1) rhs_contract=(1) lhs_batch=() rhs_batch=()] a b
                  in (c) }""", vmap(p, Arrays.asList(null, 0), 5, List.of(1)));
    }

    @Test
    void twoMappedDotOperandsGainABatchDimensionWithoutTransposes() {
        String p = """
                { lambda ; a:f32[3,4] b:f32[4,2]. let
                    c:f32[3,2] = dot_general[lhs_contract=(1) rhs_contract=(0) lhs_batch=() rhs_batch=()] a b
                  in (c) }""";
        assertEquals("""
                { lambda ; a:f32[3,5,4] b:f32[4,2,5]. let
                    c:f32[5,3,2] = dot_general[lhs_contract=(2) rhs_contract=(0) lhs_batch=(1) rhs_batch=(2)] a b
                  in (c) }""", vmap(p, List.of(1, 2), 5, List.of(0)));
    }

    @Test
    void aDynamicSliceAtMappedStartsBecomesAGatherAtClampedStartsPlusIota() {
        assertEquals("""
                { lambda ; a:f32[5,6] b:i32[5]. let
                    c:i32[5] = min b 4:i32
                    d:i32[5] = max c 0:i32
                    e:i32[5,2] = iota[dtype=i32 shape=(5, 2) dimension=1]
                    f:i32[5,2] = broadcast_in_dim[shape=(5, 2) dims=(0)] d
                    g:i32[5,2] = add e f
                    h:f32[5,2] = gather[axis=1] a g
                  in (h) }""", vmap(DYNAMIC_SLICE, List.of(0, 0), 5, List.of(0)));
    }

    @Test
    void aDynamicSliceAtAnUnmappedStartStaysADynamicSlice() {
        assertEquals("""
                { lambda ; a:f32[5,6] b:i32[]. let
                    c:f32[5,2] = dynamic_slice[sizes=(5, 2)] a 0:i32 b
                  in (c) }""", vmap(DYNAMIC_SLICE, Arrays.asList(0, null), 5, List.of(0)));
    }

    @Test
    void unmappedScalarsStayScalarsUnmappedArraysAreBroadcastAndUnmappedOutputsToo() {
        String p = """
                { lambda ; a:f32[3] b:f32[] c:f32[3]. let
                    d:f32[3] = mul a b
                    e:f32[3] = add d c
                    f:f32[] = reduce_sum[axes=(0)] e
                  in (f, c) }""";
        assertEquals("""
                { lambda ; a:f32[3,4] b:f32[] c:f32[3]. let
                    d:f32[3,4] = mul a b
                    e:f32[3,4] = broadcast_in_dim[shape=(3, 4) dims=(0)] c
                    f:f32[3,4] = add d e
                    g:f32[4] = reduce_sum[axes=(0)] f
                    h:f32[4,3] = broadcast_in_dim[shape=(4, 3) dims=(1)] c
                  in (g, h) }""", vmap(p, Arrays.asList(1, null, null), 4, List.of(0, 0)));
    }

    @Test
    void anUnmappedOutputMayHaveANullOutAxisAMappedOneMayNot() {
        Program p = ProgramParser.parse("""
                { lambda ; a:f32[3] b:f32[3]. let
                    c:f32[3] = sin a
                    d:f32[3] = cos b
                  in (c, d) }""");
        assertEquals("f32[3]", Vmap.vmap(p, Arrays.asList(0, null), 2, Arrays.asList(0, null)).outputTypes().get(1).toString());
        ShapeError e = assertThrows(ShapeError.class, () -> Vmap.vmap(p, Arrays.asList(null, 0), 2, Arrays.asList(0, null)));
        assertTrue(e.getMessage().contains("output 1"), e.getMessage());
    }

    @Test
    void axesOutsideTheBatchedRankAreShapeErrors() {
        Program p = ProgramParser.parse("{ lambda ; a:f32[3]. let b:f32[3] = sin a in (b) }");
        ShapeError in = assertThrows(ShapeError.class, () -> Vmap.vmap(p, List.of(2), 2, List.of(0)));
        assertTrue(in.getMessage().contains("in axis 2 of input 0"), in.getMessage());
        ShapeError out = assertThrows(ShapeError.class, () -> Vmap.vmap(p, List.of(0), 2, List.of(-1)));
        assertTrue(out.getMessage().contains("out axis -1 of output 0"), out.getMessage());
    }
}
