package org.nabla4j.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nabla4j.DType;

/**
 * The interpreter agrees with NumPy. Each case in {@code src/test/resources/golden/*.golden} is a
 * program in the IR text form, its inputs and the outputs NumPy's twin of the program computes;
 * {@code make_golden.py} there writes them and documents the format.
 *
 * <p>Integers and bools must match exactly, as must NaN, infinities and float results of exact
 * operations. Other float results may differ by {@code rtol(dtype)} relative, times the number of
 * terms a value accumulates (a sum, dot product or cumulative sum over {@code n} terms may drift
 * {@code n} times as far, relative to the larger of the result and the largest input, which covers
 * cancellation), plus {@code atol(dtype)} so that results in the subnormal range may flush to zero.
 */
class InterpreterGoldenTest {
    /** Elementwise relative tolerance: a few ulps of f32 (NumPy's float32 kernels are not all correctly rounded). */
    static double rtol(DType t) {
        return t == DType.F32 ? 1e-6 : 1e-12;
    }

    /** Below the smallest normal number, differences do not count. */
    static double atol(DType t) {
        return t == DType.F32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    }

    /** Primitives defined on integers and bools only; every other one must have f32 and f64 cases. */
    static final Set<Primitive> INTEGRAL_OR_BOOL_ONLY = EnumSet.of(Primitive.NOT, Primitive.AND, Primitive.OR, Primitive.XOR);

    record GoldenCase(String name, String programText, List<Tensor> args, List<Tensor> outs) {
        Program program() { return ProgramParser.parse(programText); }
    }

    @TestFactory
    Stream<DynamicContainer> interpreterMatchesNumPy() throws IOException {
        return goldenFiles().stream().map(file -> DynamicContainer.dynamicContainer(file.getFileName().toString(),
                read(file).stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)))));
    }

    @Test
    void everyPrimitiveHasGoldenCasesInEachDtypeKindItAccepts() throws IOException {
        Map<Primitive, Set<DType>> seen = new EnumMap<>(Primitive.class);
        for (Path file : goldenFiles()) {
            for (GoldenCase c : read(file)) {
                Program p = c.program();
                for (Equation e : p.equations()) {
                    Set<DType> dtypes = seen.computeIfAbsent(e.primitive(), k -> EnumSet.noneOf(DType.class));
                    e.operands().forEach(a -> dtypes.add(p.type(a).dtype()));
                    e.results().forEach(v -> dtypes.add(p.type(v).dtype()));
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (Primitive prim : Primitive.values()) {
            // Control flow has no NumPy twin; ControlFlowInterpreterTest checks it against Java loops.
            if (prim.kind() == Primitive.Kind.CONTROL) continue;
            Set<DType> required = INTEGRAL_OR_BOOL_ONLY.contains(prim) ? EnumSet.of(DType.I32, DType.BOOL) : EnumSet.of(DType.F32, DType.F64);
            Set<DType> have = seen.getOrDefault(prim, EnumSet.noneOf(DType.class));
            if (!have.containsAll(required)) missing.add(prim + " (has " + have + ", needs " + required + ")");
        }
        assertTrue(missing.isEmpty(), "primitives without golden cases: " + missing);
    }

    private static void check(GoldenCase c) {
        Program p = c.program();
        List<Tensor> actual = Interpreter.run(p, List.of(), c.args());
        assertEquals(c.outs().size(), actual.size(), c.name() + ": number of outputs");
        int terms = accumulatedTerms(p);
        double magnitude = largestFiniteMagnitude(c.args());
        for (int k = 0; k < actual.size(); k++) {
            assertClose(c.outs().get(k), actual.get(k), terms, magnitude, c.name() + ": output " + k);
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, int terms, double magnitude, String what) {
        assertEquals(expected.type(), actual.type(), what + " type");
        DType t = expected.dtype();
        for (int i = 0; i < expected.size(); i++) {
            if (!t.isFloating()) {
                if (expected.getLong(i) != actual.getLong(i)) fail(mismatch(what, i, expected, actual, "exact"));
                continue;
            }
            double e = expected.getDouble(i), a = actual.getDouble(i);
            if (!Double.isFinite(e)) {
                if (Double.compare(e, a) != 0) fail(mismatch(what, i, expected, actual, "exact"));
                continue;
            }
            double scale = terms == 1 ? Math.abs(e) : Math.max(Math.abs(e), magnitude);
            double bound = atol(t) + rtol(t) * terms * scale;
            if (!(Math.abs(a - e) <= bound)) fail(mismatch(what, i, expected, actual, "within " + bound));
        }
    }

    private static String mismatch(String what, int i, Tensor expected, Tensor actual, String rule) {
        return what + " element " + i + ": expected " + element(expected, i) + ", got " + element(actual, i)
                + " (" + rule + ")\nexpected " + expected + "\nactual   " + actual;
    }

    private static String element(Tensor t, int i) {
        return t.dtype().isFloating() ? Double.toString(t.getDouble(i))
                : t.dtype() == DType.BOOL ? Boolean.toString(t.getBool(i)) : Long.toString(t.getLong(i));
    }

    /** The longest accumulation in the program: reduced, contracted or scanned extent. */
    static int accumulatedTerms(Program p) {
        int terms = 1;
        for (Equation e : p.equations()) {
            Shape x = p.type(e.operands().isEmpty() ? e.results().getFirst() : e.operands().getFirst()).shape();
            int n = switch (e.primitive()) {
                case REDUCE_SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN -> extent(x, e.params().getInts("axes"));
                case DOT_GENERAL -> extent(x, e.params().getInts("lhs_contract"));
                case CUMSUM -> x.dim(e.params().getInt("axis"));
                default -> 1;
            };
            terms = Math.max(terms, n);
        }
        return terms;
    }

    private static int extent(Shape s, int[] axes) {
        int n = 1;
        for (int a : axes) n *= s.dim(a);
        return n;
    }

    private static double largestFiniteMagnitude(List<Tensor> args) {
        double m = 0;
        for (Tensor t : args) {
            if (!t.dtype().isFloating()) continue;
            for (int i = 0; i < t.size(); i++) {
                double v = Math.abs(t.getDouble(i));
                if (Double.isFinite(v)) m = Math.max(m, v);
            }
        }
        return m;
    }

    // ---- reading the golden files ----

    private static final Pattern TYPE = Pattern.compile("(\\w+)\\[([\\d,]*)]");

    static List<Path> goldenFiles() throws IOException {
        Path dir;
        try {
            dir = Path.of(InterpreterGoldenTest.class.getResource("/golden").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> golden = files.filter(f -> f.toString().endsWith(".golden")).sorted().toList();
            if (golden.isEmpty()) throw new IllegalStateException("no .golden files in " + dir);
            return golden;
        }
    }

    /** Cases are separated by blank lines; see make_golden.py for the format. */
    static List<GoldenCase> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<GoldenCase> cases = new ArrayList<>();
        for (String block : text.split("\n\\s*\n")) {
            List<String> lines = block.lines().filter(l -> !l.startsWith("#")).toList();
            if (lines.isEmpty()) continue;
            if (!lines.getFirst().startsWith("case ")) throw new IllegalArgumentException(file + ": block without 'case': " + block);
            StringBuilder program = new StringBuilder();
            List<Tensor> args = new ArrayList<>(), outs = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.startsWith("arg ")) {
                    args.add(tensor(line.substring(4)));
                } else if (line.startsWith("out ")) {
                    outs.add(tensor(line.substring(4)));
                } else {
                    program.append(line).append('\n');
                }
            }
            cases.add(new GoldenCase(lines.getFirst().substring(5).strip(), program.toString().strip(), args, outs));
        }
        return cases;
    }

    /** {@code f32[2,2] 1.5 nan -inf 0.0}: a type, then the row-major values. */
    static Tensor tensor(String text) {
        String[] tokens = text.strip().split("\\s+");
        Matcher m = TYPE.matcher(tokens[0]);
        if (!m.matches()) throw new IllegalArgumentException("bad type '" + tokens[0] + "'");
        DType dtype = DType.parse(m.group(1));
        Shape shape = m.group(2).isEmpty() ? Shape.SCALAR
                : Shape.of(Stream.of(m.group(2).split(",")).mapToInt(Integer::parseInt).toArray());
        AbstractArray type = new AbstractArray(dtype, shape);
        if (tokens.length - 1 != shape.size()) {
            throw new IllegalArgumentException(type + " needs " + shape.size() + " values, got " + (tokens.length - 1));
        }
        Object data = Tensor.allocate(dtype, shape.size());
        for (int i = 0; i < shape.size(); i++) {
            String v = tokens[i + 1];
            switch (data) {
                case float[] a -> a[i] = (float) floatValue(v, true);
                case double[] a -> a[i] = floatValue(v, false);
                case int[] a -> a[i] = Integer.parseInt(v);
                case long[] a -> a[i] = Long.parseLong(v);
                case boolean[] a -> a[i] = switch (v) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException("bad bool '" + v + "'");
                };
                default -> throw new IllegalStateException();
            }
        }
        return Tensor.wrap(type, data);
    }

    /** The files hold the shortest decimals that read back exactly, so f32 is parsed as f32 (not via f64). */
    private static double floatValue(String v, boolean f32) {
        return switch (v) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> f32 ? Float.parseFloat(v) : Double.parseDouble(v);
        };
    }
}
