package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NDArrayTest {
    @Test
    void factoriesGiveTheirDTypeAndShape() {
        assertEquals(DType.F32, NDArray.of(1f, 2f).dtype());
        assertEquals(DType.F64, NDArray.of(1.0).dtype());
        assertEquals(DType.I32, NDArray.of(1, 2, 3).dtype());
        assertEquals(DType.I64, NDArray.of(1L).dtype());
        assertEquals(DType.BOOL, NDArray.of(true).dtype());
        assertArrayEquals(new int[] {2, 3}, NDArray.of(new float[][] {{1, 2, 3}, {4, 5, 6}}).shape());
        assertArrayEquals(new int[] {}, NDArray.scalar(2.5).shape());
        assertEquals(12, NDArray.zeros(DType.F64, 3, 4).size());
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, NDArray.linspace(0, 1, 5, DType.F64).toDoubleArray());
        assertArrayEquals(new int[] {2, 4, 6}, NDArray.arange(2, 8, 2).toIntArray());
        assertArrayEquals(new double[][] {{1, 0}, {0, 1}}, NDArray.eye(2).toDoubleArray2D());
        assertThrows(ShapeError.class, () -> NDArray.of(new float[][] {{1, 2}, {3}}));
    }

    @Test
    void javaScalarsAreWeaklyTyped() {
        assertEquals(DType.F32, NDArray.of(1f).mul(2).dtype());
        assertEquals(DType.F32, NDArray.of(1f).mul(2.5).dtype());
        assertEquals(DType.I32, NDArray.of(1).add(2).dtype());
        assertEquals(DType.F32, NDArray.of(1).add(2.5).dtype());
        assertEquals(DType.F64, NDArray.of(1.0).add(1e-300).dtype());
        assertEquals(DType.I32, NDArray.of(true).add(1).dtype());
    }

    @Test
    void arraysPromoteAlongTheLattice() {
        assertEquals(DType.F64, NDArray.of(1f).add(NDArray.of(1.0)).dtype());
        assertEquals(DType.F32, NDArray.of(1L).add(NDArray.of(1f)).dtype());
        assertEquals(DType.I64, NDArray.of(1).add(NDArray.of(1L)).dtype());
        assertEquals(DType.F32, NDArray.of(1, 2).div(2).dtype());
        assertArrayEquals(new float[] {0.5f, 1f}, NDArray.of(1, 2).div(2).toFloatArray());
    }

    @Test
    void broadcastingFollowsNumPy() {
        NDArray col = NDArray.of(new float[] {1, 2, 3}, 3, 1);
        NDArray row = NDArray.of(10f, 20f);
        NDArray sum = col.add(row);
        assertArrayEquals(new int[] {3, 2}, sum.shape());
        assertArrayEquals(new float[] {11, 21, 12, 22, 13, 23}, sum.toFloatArray());
        assertArrayEquals(new int[] {0, 2}, NDArray.zeros(DType.F32, 0, 1).add(NDArray.zeros(DType.F32, 2)).shape());
    }

    @Test
    void reductionsAndIndexing() {
        NDArray m = NDArray.of(new float[] {1, 5, 3, 4, 2, 6}, 2, 3);
        assertEquals(21.0, m.sum().item());
        assertArrayEquals(new float[] {5, 7, 9}, m.sum(0).toFloatArray());
        assertArrayEquals(new float[] {3, 4}, m.mean(1).toFloatArray());
        assertArrayEquals(new int[] {1, 2}, m.argmax(1).toIntArray());
        assertEquals(5, (int) m.argmax().item());
        assertArrayEquals(new float[] {4, 2, 6}, m.get(-1).toFloatArray());
        assertArrayEquals(new float[] {5, 6}, Np.takeAlongAxis(m, NDArray.of(1, -1), 1).toFloatArray());
        assertArrayEquals(new float[] {1, 3, 5, 2, 4, 6}, Np.sort(m, 1).toFloatArray());
        assertArrayEquals(new int[] {0, 2, 1, 1, 0, 2}, Np.argsort(m, 1).toIntArray());
    }

    @Test
    void matmulFollowsNumPyForVectorsAndBatches() {
        NDArray a = NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        NDArray v = NDArray.of(1f, 1f, 1f);
        assertArrayEquals(new float[] {6, 15}, a.matmul(v).toFloatArray());
        assertArrayEquals(new int[] {3}, NDArray.of(1f, 1f).matmul(a).shape());
        assertEquals(3.0, v.matmul(v).item());
        NDArray batch = NDArray.ones(DType.F32, 4, 2, 3);
        assertArrayEquals(new int[] {4, 2, 2}, batch.matmul(a.T()).shape());
    }

    @Test
    void stableFunctionsStayFinite() {
        NDArray big = NDArray.of(1e4f, -1e4f, 0f);
        assertTrue(Double.isFinite(Np.logSumExp(big).item()));
        assertEquals(1e4, Np.logSumExp(big).item(), 1e-3);
        assertArrayEquals(new float[] {1, 0, 0}, Np.softmax(big).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1e4f, 0, (float) Math.log(2)}, Np.softplus(big).toFloatArray(), 1e-6f);
        assertEquals(Double.NEGATIVE_INFINITY, Np.logSumExp(NDArray.of(Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY)).item());
    }

    @Test
    void stackConcatenateAndModulo() {
        NDArray s = Np.stack(List.of(NDArray.of(1, 2), NDArray.of(3, 4)), 1);
        assertArrayEquals(new int[] {2, 2}, s.shape());
        assertArrayEquals(new int[] {1, 3, 2, 4}, s.toIntArray());
        assertArrayEquals(new int[] {2, 0, 1}, NDArray.of(-4, 3, 7).mod(3).toIntArray());
        assertArrayEquals(new int[] {-2, -1, 2}, Np.floorDivide(NDArray.of(-4, -3, 7), NDArray.scalar(3)).toIntArray());
        assertArrayEquals(new int[] {16777217, -3, 2, -3}, Np.floorDivide(NDArray.of(16777217, 7, -7, 8), NDArray.of(1, -3, -3, -3)).toIntArray());
        assertEquals(DType.F64, NDArray.of((1L << 40) + 1).div(1).dtype());
        assertEquals((1L << 40) + 1, (long) NDArray.of((1L << 40) + 1).div(1).item());
        assertTrue(Np.allclose(NDArray.of(1f, 2f), NDArray.of(1f, 2.000001f)));
        assertFalse(Np.allclose(NDArray.of(1f, Float.NaN), NDArray.of(1f, Float.NaN)));
    }

    @Test
    void printsLikeNumPy() {
        assertEquals("array([1., 2., 3.], dtype=float32)", NDArray.of(1f, 2f, 3f).toString());
        assertEquals("array([1.5 , 2.25, 3.  ])", NDArray.of(1.5, 2.25, 3).toString());
        assertEquals("array([[1, 2],\n       [3, 4]], dtype=int32)", NDArray.of(new int[] {1, 2, 3, 4}, 2, 2).toString());
        assertEquals("array(0.1, dtype=float32)", NDArray.scalar(0.1f).toString());
        assertEquals("array([ True, False])", NDArray.of(true, false).toString());
        assertEquals("array([], dtype=float32)", NDArray.zeros(DType.F32, 0).toString());
        assertEquals("array([1.e-05, 1.e+00])", NDArray.of(1e-5, 1).toString());
        assertEquals("array([ nan,  inf, -inf,   1.])", NDArray.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1).toString());
        assertEquals("array([   0,    1,    2, ..., 1997, 1998, 1999],\n      shape=(2000,), dtype=int32)", NDArray.arange(2000).toString());
        assertEquals("array([], shape=(0, 3), dtype=float32)", NDArray.zeros(DType.F32, 0, 3).toString());
        assertEquals("array([[[1., 2.],\n        [3., 4.]]])", NDArray.of(new double[] {1, 2, 3, 4}, 1, 2, 2).toString());
        assertEquals("""
                array([0.        , 0.14285715, 0.2857143 , 0.42857143, 0.5714286 ,
                       0.71428573, 0.85714287, 1.        , 1.1428572 , 1.2857143 ,
                       1.4285715 , 1.5714285 , 1.7142857 , 1.8571428 , 2.        ,
                       2.142857  , 2.2857144 , 2.4285715 , 2.5714285 , 2.7142856 ,
                       2.857143  , 3.        , 3.142857  , 3.2857144 , 3.4285715 ,
                       3.5714285 , 3.7142856 , 3.857143  , 4.        , 4.142857  ],
                      dtype=float32)""", NDArray.arange(30).astype(DType.F32).div(7).toString());
    }
}
