package org.nabla4j;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.nabla4j.ir.Tensor;

/**
 * NumPy's {@code repr} of an array (NumPy 2.x defaults: precision 8, shortest round-trip digits,
 * line width 75, summarised with "..." above 1000 elements):
 * {@code array([1. , 2.5], dtype=float32)}.
 */
final class ArrayFormat {
    private static final int PRECISION = 8;
    private static final int LINE_WIDTH = 75;
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;

    private ArrayFormat() {}

    static String repr(Tensor t) {
        int[] shape = t.shape().dims();
        String prefix = "array(";
        String suffix = switch (t.dtype()) {
            case F64, I64, BOOL -> "";
            default -> ", dtype=" + t.dtype().numpyName();
        };
        if (t.size() == 0) {
            String shapeText = shape.length == 1 ? "" : ", shape=" + tuple(shape);
            return prefix + "[]" + shapeText + ", dtype=" + t.dtype().numpyName() + ")";
        }
        boolean summarise = t.size() > THRESHOLD;
        if (summarise) {
            // NumPy 2 states the shape of an array whose repr leaves elements out.
            suffix = ", shape=" + tuple(shape) + suffix;
        }
        String[] cells = formatCells(t, shape, summarise);
        if (shape.length == 0) return prefix + cells[0] + suffix + ")";
        StringBuilder sb = new StringBuilder(prefix);
        int[] strides = t.shape().strides();
        layout(sb, cells, shape, strides, 0, 0, prefix.length(), summarise);
        int lastLine = sb.length() - (sb.lastIndexOf("\n") + 1);
        if (!suffix.isEmpty() && lastLine + suffix.length() + 1 > LINE_WIDTH) {
            // NumPy moves the dtype to its own line when it would overflow the last one.
            return sb + ",\n" + " ".repeat(prefix.length()) + suffix.substring(2) + ")";
        }
        return sb + suffix + ")";
    }

    /** Appends the nested lists for axis {@code axis} starting at flat offset {@code base}. */
    private static void layout(StringBuilder sb, String[] cells, int[] shape, int[] strides, int axis, int base,
                               int indent, boolean summarise) {
        int n = shape[axis];
        boolean cut = summarise && n > 2 * EDGE_ITEMS;
        sb.append('[');
        if (axis == shape.length - 1) {
            int lineStart = sb.length() - (sb.lastIndexOf("\n") + 1);
            int col = lineStart;
            for (int i = 0; i < n; i++) {
                if (cut && i == EDGE_ITEMS) {
                    String dots = "...";
                    col = appendItem(sb, dots, col, indent + axis + 1, i > 0, i == n - 1);
                    i = n - EDGE_ITEMS;
                }
                col = appendItem(sb, cells[base + i * strides[axis]], col, indent + axis + 1, i > 0 || (cut && i >= EDGE_ITEMS), i == n - 1);
            }
        } else {
            String sep = "," + "\n".repeat(shape.length - 1 - axis) + " ".repeat(indent + axis + 1);
            for (int i = 0; i < n; i++) {
                if (cut && i == EDGE_ITEMS) {
                    sb.append("...").append(sep);
                    i = n - EDGE_ITEMS;
                }
                layout(sb, cells, shape, strides, axis + 1, base + i * strides[axis], indent, summarise);
                if (i < n - 1) sb.append(sep);
            }
        }
        sb.append(']');
    }

    private static int appendItem(StringBuilder sb, String cell, int col, int indent, boolean separated, boolean last) {
        int c = col;
        if (separated) {
            // NumPy wraps when the item plus its separator (and the closing brackets) would pass the width.
            if (c + 2 + cell.length() + (last ? 1 : 0) > LINE_WIDTH) {
                sb.append(",\n").append(" ".repeat(indent));
                c = indent;
            } else {
                sb.append(", ");
                c += 2;
            }
        }
        sb.append(cell);
        return c + cell.length();
    }

    private static String[] formatCells(Tensor t, int[] shape, boolean summarise) {
        int n = t.size();
        boolean[] shown = new boolean[n];
        markShown(shown, shape, t.shape().strides(), 0, 0, summarise);
        String[] raw = new String[n];
        switch (t.dtype()) {
            case BOOL -> {
                for (int i = 0; i < n; i++) raw[i] = t.getBool(i) ? " True" : "False";
                boolean anyFalse = false;
                for (int i = 0; i < n; i++) anyFalse |= shown[i] && !t.getBool(i);
                if (!anyFalse) for (int i = 0; i < n; i++) raw[i] = "True";
                return raw;
            }
            case I32, I64 -> {
                for (int i = 0; i < n; i++) raw[i] = Long.toString(t.getLong(i));
                return padLeft(raw, shown);
            }
            default -> {
                return formatFloats(t, shown);
            }
        }
    }

    private static void markShown(boolean[] shown, int[] shape, int[] strides, int axis, int base, boolean summarise) {
        if (shape.length == 0) {
            shown[0] = true;
            return;
        }
        int n = shape[axis];
        for (int i = 0; i < n; i++) {
            if (summarise && n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) i = n - EDGE_ITEMS;
            int off = base + i * strides[axis];
            if (axis == shape.length - 1) shown[off] = true; else markShown(shown, shape, strides, axis + 1, off, summarise);
        }
    }

    private static String[] formatFloats(Tensor t, boolean[] shown) {
        int n = t.size();
        boolean f32 = t.dtype() == DType.F32;
        double maxAbs = 0, minAbs = Double.POSITIVE_INFINITY;
        boolean anyFinite = false;
        for (int i = 0; i < n; i++) {
            double v = t.getDouble(i);
            if (!shown[i] || !Double.isFinite(v)) continue;
            anyFinite = true;
            double a = Math.abs(v);
            maxAbs = Math.max(maxAbs, a);
            if (a != 0) minAbs = Math.min(minAbs, a);
        }
        boolean scientific = anyFinite && (maxAbs >= 1e16 || (minAbs < 1e-4 && minAbs != Double.POSITIVE_INFINITY)
                || (minAbs != Double.POSITIVE_INFINITY && maxAbs / minAbs > 1e3));
        String[] intPart = new String[n], fracPart = new String[n], expPart = new String[n];
        int fracWidth = 0;
        for (int i = 0; i < n; i++) {
            double v = t.getDouble(i);
            if (!shown[i] || !Double.isFinite(v)) continue;
            BigDecimal d = new BigDecimal(f32 ? Float.toString((float) v) : Double.toString(v));
            String s;
            if (scientific) {
                int exp = d.signum() == 0 ? 0 : d.precision() - d.scale() - 1;
                BigDecimal mant = d.movePointLeft(exp).setScale(PRECISION, RoundingMode.HALF_EVEN).stripTrailingZeros();
                if (mant.abs().compareTo(BigDecimal.TEN) >= 0) {
                    exp++;
                    mant = d.movePointLeft(exp).setScale(PRECISION, RoundingMode.HALF_EVEN).stripTrailingZeros();
                }
                s = mant.toPlainString();
                expPart[i] = "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
            } else {
                s = d.setScale(PRECISION, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
            }
            if (v == 0 && 1 / v < 0) s = "-" + s.replace("-", "");
            int dot = s.indexOf('.');
            intPart[i] = dot < 0 ? s : s.substring(0, dot);
            fracPart[i] = dot < 0 ? "" : s.substring(dot + 1);
            fracWidth = Math.max(fracWidth, fracPart[i].length());
        }
        String[] cells = new String[n];
        for (int i = 0; i < n; i++) {
            double v = t.getDouble(i);
            if (!shown[i]) {
                cells[i] = "";
            } else if (Double.isNaN(v)) {
                cells[i] = "nan";
            } else if (Double.isInfinite(v)) {
                cells[i] = v > 0 ? "inf" : "-inf";
            } else if (scientific) {
                cells[i] = intPart[i] + "." + padRight(fracPart[i], fracWidth, '0') + expPart[i];
            } else {
                cells[i] = intPart[i] + "." + padRight(fracPart[i], fracWidth, ' ');
            }
        }
        return padLeft(cells, shown);
    }

    private static String padRight(String s, int width, char fill) {
        return s.length() >= width ? s : s + String.valueOf(fill).repeat(width - s.length());
    }

    private static String[] padLeft(String[] cells, boolean[] shown) {
        int w = 0;
        for (int i = 0; i < cells.length; i++) if (shown[i]) w = Math.max(w, cells[i].length());
        for (int i = 0; i < cells.length; i++) {
            if (shown[i] && cells[i].length() < w) cells[i] = " ".repeat(w - cells[i].length()) + cells[i];
        }
        return cells;
    }

    private static String tuple(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }
}
