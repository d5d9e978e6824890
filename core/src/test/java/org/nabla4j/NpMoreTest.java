package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** NumPy functions built from the primitives, checked against values NumPy gives. */
class NpMoreTest {
    final NDArray m = NDArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);

    @Test
    void takeWithAnIndexArrayFollowsNumPy() {
        // np.take(m, [2, 0, -1], axis=1) -> [[3, 1, 3], [6, 4, 6]]
        NDArray t = Np.take(m, NDArray.of(2, 0, -1), 1);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new double[] {3, 1, 3, 6, 4, 6}, t.toDoubleArray());
        // np.take(m, [[1, 0]], axis=0) has shape (1, 2, 3)
        NDArray rows = Np.take(m, NDArray.of(new int[] {1, 0}, 1, 2), 0);
        assertArrayEquals(new int[] {1, 2, 3}, rows.shape());
        assertArrayEquals(new double[] {4, 5, 6, 1, 2, 3}, rows.toDoubleArray());
        NDArray g = Nabla.grad((NDArray x) -> Np.take(x, NDArray.of(0, 0, 2), 1).sum()).apply(m);
        assertArrayEquals(new double[] {2, 0, 1, 2, 0, 1}, g.toDoubleArray());
    }

    @Test
    void shapeHelpers() {
        assertArrayEquals(new double[] {3, 2, 1, 6, 5, 4}, Np.flip(m, 1).toDoubleArray());
        assertArrayEquals(new int[] {3, 2}, Np.swapaxes(m, 0, 1).shape());
        NDArray sq = NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
        assertArrayEquals(new double[] {1, 0, 0, 4, 5, 0, 7, 8, 9}, Np.tril(sq, 0).toDoubleArray());
        assertArrayEquals(new double[] {0, 2, 3, 0, 0, 6, 0, 0, 0}, Np.triu(sq, 1).toDoubleArray());
        assertEquals(15.0, Np.trace(sq).item());
    }

    @Test
    void elementaryFunctions() {
        NDArray x = NDArray.of(-0.5, 0.0, 0.5);
        assertArrayEquals(new double[] {Math.atan(-0.5), 0, Math.atan(0.5)}, Np.arctan(x).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {Math.asin(-0.5), 0, Math.asin(0.5)}, Np.arcsin(x).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {Math.acos(-0.5), Math.acos(0), Math.acos(0.5)}, Np.arccos(x).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {Math.sinh(-0.5), 0, Math.sinh(0.5)}, Np.sinh(x).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {Math.cosh(-0.5), 1, Math.cosh(0.5)}, Np.cosh(x).toDoubleArray(), 1e-15);
        assertEquals(1000 + Math.log(2), Np.logaddexp(NDArray.scalar(1000.0), NDArray.scalar(1000.0)).item(), 1e-12);
        assertArrayEquals(new boolean[] {false, true, false}, Np.isNan(NDArray.of(1.0, Double.NaN, Double.POSITIVE_INFINITY)).toBooleanArray());
        assertArrayEquals(new boolean[] {false, false, true}, Np.isInf(NDArray.of(1.0, Double.NaN, Double.POSITIVE_INFINITY)).toBooleanArray());
    }

    @Test
    void einsumCoversTheCommonContractions() {
        NDArray a = NDArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3), b = NDArray.of(new double[] {1, 0, 2, 1, 0, 3}, 3, 2);
        assertArrayEquals(a.matmul(b).toDoubleArray(), Np.einsum("ij,jk->ik", a, b).toDoubleArray());
        assertArrayEquals(a.matmul(b).toDoubleArray(), Np.einsum("ij,jk", a, b).toDoubleArray());
        assertArrayEquals(a.T().toDoubleArray(), Np.einsum("ij->ji", a).toDoubleArray());
        assertArrayEquals(a.sum(0).toDoubleArray(), Np.einsum("ij->j", a).toDoubleArray());
        NDArray u = NDArray.of(1.0, 2.0, 3.0);
        assertEquals(14.0, Np.einsum("i,i", u, u).item());
        assertArrayEquals(Np.outer(u, u).toDoubleArray(), Np.einsum("i,j->ij", u, u).toDoubleArray());
        NDArray x = NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        assertArrayEquals(x.matmul(x).toDoubleArray(), Np.einsum("bij,bjk->bik", x, x).toDoubleArray());
        assertArrayEquals(a.matmul(b).matmul(b.T()).toDoubleArray(), Np.einsum("ij,jk,lk->il", a, b, b).toDoubleArray());
    }

    @Test
    void einsumTakesDiagonalsAndEllipsesAsNumPyDoes() {
        NDArray m = NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
        assertEquals(15.0, Np.einsum("ii", m).item(), "the trace");
        assertArrayEquals(new double[] {1, 5, 9}, Np.einsum("ii->i", m).toDoubleArray());
        NDArray t = NDArray.arange(18).astype(DType.F64).reshape(3, 3, 2);
        assertArrayEquals(new double[] {0 + 8 + 16, 1 + 9 + 17}, Np.einsum("iij->j", t).toDoubleArray());
        // "..." names the leading axes; they broadcast between operands (here 4 against 1)
        NDArray x = NDArray.arange(24).astype(DType.F64).reshape(4, 2, 3), w = NDArray.arange(6).astype(DType.F64).reshape(1, 3, 2);
        assertArrayEquals(x.matmul(w).toDoubleArray(), Np.einsum("...ij,...jk->...ik", x, w).toDoubleArray());
        assertArrayEquals(x.sum(2).toDoubleArray(), Np.einsum("...j->...", x).toDoubleArray());
        assertArrayEquals(x.transpose(0, 2, 1).toDoubleArray(), Np.einsum("...ij->...ji", x).toDoubleArray());
        assertArrayEquals(x.matmul(w.reshape(3, 2)).toDoubleArray(), Np.einsum("...j,jk", x, w.reshape(3, 2)).toDoubleArray(),
                "implicit output: the ellipsis axes, then the indices that appear once");
        // under grad: d/dm trace(m) = identity
        assertArrayEquals(Np.eye(3).toDoubleArray(), Nabla.grad((NDArray v) -> Np.einsum("ii", v)).apply(m).toDoubleArray());
        ShapeError bad = org.junit.jupiter.api.Assertions.assertThrows(ShapeError.class, () -> Np.einsum("ii", NDArray.zeros(DType.F64, 2, 3)));
        org.junit.jupiter.api.Assertions.assertTrue(bad.getMessage().contains("sizes 2 and 3"), bad.getMessage());
    }
}
