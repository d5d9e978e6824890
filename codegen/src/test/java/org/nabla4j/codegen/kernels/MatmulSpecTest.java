package org.nabla4j.codegen.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The layouts a {@link MatmulSpec} describes and the ones it refuses. */
class MatmulSpecTest {
    @Test
    void denseSpecsHaveDenseLeadingDimensionsAndStrides() {
        MatmulSpec s = MatmulSpec.of(3, 5, 7);
        assertEquals(new MatmulSpec(1, 3, 5, 7, false, false, 7, 5, 5, 21, 35, 15, Epilogue.NONE, 1), s);
        MatmulSpec t = s.transposeA().transposeB().batched(4);
        assertEquals(3, t.lda());
        assertEquals(7, t.ldb());
        assertEquals(21, t.strideA());
        assertEquals(35, t.strideB());
        assertEquals(15, t.strideC());
        assertEquals(2.0 * 4 * 3 * 5 * 7, t.flops());
    }

    @Test
    void extentsCoverTheLastElementOfTheLastBatch() {
        MatmulSpec s = MatmulSpec.of(3, 5, 7).withLeadingDims(9, 6, 8).batched(2);
        assertEquals(27 + 2 * 9 + 7, s.extentA());
        assertEquals(42 + 6 * 6 + 5, s.extentB());
        assertEquals(24 + 2 * 8 + 5, s.extentC());
        assertEquals(0, MatmulSpec.of(3, 0, 7).extentC());
        assertEquals(0, MatmulSpec.of(3, 5, 0).extentA());
    }

    @Test
    void refusesNegativeSizesShortLeadingDimensionsAndNoThreads() {
        assertThrows(IllegalArgumentException.class, () -> MatmulSpec.of(-1, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> MatmulSpec.of(2, 2, 2).withLeadingDims(1, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> MatmulSpec.of(2, 3, 2).transposeB().withLeadingDims(2, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> MatmulSpec.of(2, 3, 2).withLeadingDims(2, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> MatmulSpec.of(2, 2, 2).withBatchStrides(0, -1, 4));
        assertThrows(IllegalArgumentException.class, () -> MatmulSpec.of(2, 2, 2).withThreads(0));
        assertThrows(NullPointerException.class, () -> MatmulSpec.of(2, 2, 2).withEpilogue(null));
    }
}
