package org.nabla4j.codegen.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorKernelF64} is {@link VectorKernelF32} with the element type swapped (the Vector
 * API has no type-generic arithmetic on primitive arrays), so a change to one must be made to
 * the other. This test spells out the swap and fails when the two drift apart.
 */
class VectorKernelSourcesTest {
    private static final Path DIR = Path.of("src/main/java/org/nabla4j/codegen/kernels");

    /** F32 text → F64 text, in this order. */
    private static final String[][] SWAP = {
        {"F32", "F64"}, {"FloatVector", "DoubleVector"}, {"Float>", "Double>"}, {"float.class", "double.class"},
        {"float[", "double["}, {"max(0f)", "max(0d)"}, {"Float.BYTES", "Double.BYTES"}, {"0f);", "0d);"},
        {"(16 KiB at f32)", "(32 KiB at f64)"}, {"float alpha", "double alpha"}, {"float sum", "double sum"},
        {"static float dot", "static double dot"}, {"The f32 tile", "The f64 tile"},
    };

    @Test
    void theF64KernelIsTheF32KernelForDoubles() throws IOException {
        String f32 = Files.readString(DIR.resolve("VectorKernelF32.java"));
        int why = f32.indexOf(" * <p>Why 4 × 2:"), species = f32.indexOf(" * <p>The species is");
        String expected = f32.substring(0, why)
                + " * <p>The same code as {@link VectorKernelF32} (which says why the tile is 4 × 2) for doubles.\n *\n"
                + f32.substring(species);
        for (String[] swap : SWAP) expected = expected.replace(swap[0], swap[1]);
        expected = expected.replace("{@link VectorKernelF64} (which", "{@link VectorKernelF32} (which");
        assertEquals(expected, Files.readString(DIR.resolve("VectorKernelF64.java")));
    }
}
