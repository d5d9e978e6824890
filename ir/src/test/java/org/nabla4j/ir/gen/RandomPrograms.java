package org.nabla4j.ir.gen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.nabla4j.DType;
import org.nabla4j.ir.AbstractArray;
import org.nabla4j.ir.Atom;
import org.nabla4j.ir.Interpreter;
import org.nabla4j.ir.Literal;
import org.nabla4j.ir.Params;
import org.nabla4j.ir.Primitive;
import org.nabla4j.ir.Program;
import org.nabla4j.ir.ProgramBuilder;
import org.nabla4j.ir.Shape;
import org.nabla4j.ir.Tensor;
import org.nabla4j.ir.Var;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Random well-typed programs with arguments that fit them, for property tests of the IR and
 * differential tests of backends against the {@link Interpreter}.
 *
 * <p>A program starts from one or two float inputs (and maybe a constant) and grows step by step
 * until it has the chosen number of equations. Each step picks a kind of operation and emits one
 * or a few equations on values made so far, creating a fresh input when it needs an operand of a
 * shape nothing has yet. Every non-control-flow primitive appears. Some steps repeat an earlier
 * equation (work for CSE) or compute on literals only (work for constant folding), and most values
 * never reach an output (work for DCE).
 *
 * <p>Values stay in safe domains so that results are mostly finite: each value carries a bound on
 * its magnitude, operands are clamped or squashed with {@code tanh} before an operation could
 * overflow, and {@code log}, {@code sqrt} and friends see only {@code |x| + 1}, {@code |x|} or
 * {@code exp(x)}. Float inputs are multiples of 1/8 in [-4, 4] (exact in f32), plus NaN, ±inf and
 * -0.0 when {@link Config#specialValues} is on. Integer index inputs include out-of-range values, which
 * the indexing primitives clamp.
 *
 * <p>Choices come from a {@link Dice}: a {@link Random} for plain seeded use ({@link #generate}),
 * or QuickTheories' randomness via {@link #cases}, so that failures shrink toward fewer equations,
 * simpler kinds of step and smaller dimensions.
 */
public final class RandomPrograms {

    /**
     * What to generate. Programs compute in {@code dtype} (f32 or f64), with integer and bool values
     * on the side (indices, predicates). No value has a rank above {@code maxRank}. Fresh shapes
     * have dimensions in [minDim, maxDim] and at most {@code maxElements} elements; derived shapes
     * (slices, reshapes, pads, contractions) may leave those ranges, but operations that grow arrays
     * only take operands within {@code maxElements}. {@code minEquations} and {@code maxEquations}
     * bound the number of equations the generator aims for (the last step may overshoot by a few).
     */
    public record Config(DType dtype, int minDim, int maxDim, int maxRank, int maxElements, int minEquations,
                         int maxEquations, boolean specialValues) {
        public Config {
            if (!dtype.isFloating()) throw new IllegalArgumentException("programs compute in f32 or f64, not " + dtype);
            if (minDim < 0 || maxDim < Math.max(minDim, 1) || maxRank < 1 || maxElements < 1) {
                throw new IllegalArgumentException("need 0 <= minDim <= maxDim, maxDim >= 1, maxRank >= 1, maxElements >= 1");
            }
            if (minEquations < 0 || maxEquations < minEquations) throw new IllegalArgumentException("need 0 <= minEquations <= maxEquations");
        }

        /** f32, dimensions 0 to 4 (so empty and size-1 axes are common), rank up to 3, 1 to 30 equations, finite inputs. */
        public static Config defaults() { return new Config(DType.F32, 0, 4, 3, 64, 1, 30, false); }

        public Config withDType(DType d) { return new Config(d, minDim, maxDim, maxRank, maxElements, minEquations, maxEquations, specialValues); }

        public Config withDims(int min, int max) { return new Config(dtype, min, max, maxRank, maxElements, minEquations, maxEquations, specialValues); }

        public Config withMaxRank(int r) { return new Config(dtype, minDim, maxDim, r, maxElements, minEquations, maxEquations, specialValues); }

        public Config withMaxElements(int n) { return new Config(dtype, minDim, maxDim, maxRank, n, minEquations, maxEquations, specialValues); }

        public Config withEquations(int min, int max) { return new Config(dtype, minDim, maxDim, maxRank, maxElements, min, max, specialValues); }

        public Config withSpecialValues(boolean on) { return new Config(dtype, minDim, maxDim, maxRank, maxElements, minEquations, maxEquations, on); }
    }

    /** A program and arguments that fit it. */
    public record Case(Program program, List<Tensor> consts, List<Tensor> args) {
        public Case {
            consts = List.copyOf(consts);
            args = List.copyOf(args);
        }

        /** The reference results of the program. */
        public List<Tensor> run() { return run(program); }

        /** The reference results of {@code other}, a program with the same interface (say, a pass's output). */
        public List<Tensor> run(Program other) { return Interpreter.run(other, consts, args); }

        @Override
        public String toString() { return program + "\nconsts: " + consts + "\nargs: " + args; }
    }

    /** Where the choices come from: a uniform int in [lo, hi], both inclusive. */
    @FunctionalInterface
    public interface Dice {
        int between(int lo, int hi);

        static Dice of(Random random) { return (lo, hi) -> lo + random.nextInt(hi - lo + 1); }

        static Dice of(RandomnessSource source) { return (lo, hi) -> (int) source.next(Constraint.between(lo, hi)); }
    }

    /** Cases for QuickTheories; shrinking works on the choices, so a failure shrinks toward a small program. */
    public static Gen<Case> cases(Config config) {
        return source -> generate(config, Dice.of(source));
    }

    public static Gen<Program> programs(Config config) {
        return cases(config).map(Case::program);
    }

    public static Case generate(Config config, long seed) {
        return generate(config, Dice.of(new Random(seed)));
    }

    public static Case generate(Config config, Dice dice) {
        return new RandomPrograms(config, dice).run();
    }

    // ---- the generator state ----

    /** Magnitudes above this are tamed before arithmetic, so that chains of products cannot overflow. */
    private static final double LIMIT = 1e6;
    private static final double[] SPECIALS = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0};
    private static final List<Primitive> COMPARISONS = List.of(Primitive.EQ, Primitive.NE, Primitive.LT, Primitive.LE,
            Primitive.GT, Primitive.GE);
    private static final List<Primitive> REDUCTIONS = List.of(Primitive.REDUCE_SUM, Primitive.REDUCE_MAX,
            Primitive.REDUCE_MIN, Primitive.REDUCE_PROD);

    /**
     * A value at hand: a variable of the program or a literal, with a bound on its magnitude that
     * holds if the inputs are finite (infinite where unknown, as for wrapping integer arithmetic).
     */
    private record Value(Atom atom, AbstractArray type, double bound) {
        DType dtype() { return type.dtype(); }

        Shape shape() { return type.shape(); }

        int rank() { return type.rank(); }

        int dim(int axis) { return type.shape().dim(axis); }

        int size() { return type.shape().size(); }
    }

    /** An equation as emitted, kept so that a later step can emit it again. */
    private record Emitted(Primitive primitive, Params params, List<Atom> operands, List<Double> bounds) {}

    private final Config config;
    private final Dice dice;
    private final DType dt;
    private final DType otherFloat;
    private final ProgramBuilder builder = new ProgramBuilder();
    private final List<Tensor> consts = new ArrayList<>();
    private final List<Tensor> args = new ArrayList<>();
    private final List<Value> pool = new ArrayList<>();
    private final List<Emitted> emitted = new ArrayList<>();
    /** Rank-0 variables computed from literals alone: constant folding turns them into literals. */
    private final Set<Atom> foldable = new HashSet<>();

    private RandomPrograms(Config config, Dice dice) {
        this.config = config;
        this.dice = dice;
        this.dt = config.dtype();
        this.otherFloat = dt == DType.F32 ? DType.F64 : DType.F32;
    }

    private Case run() {
        int target = dice.between(config.minEquations(), config.maxEquations());
        freshFloat(randomShape());
        if (chance(50)) freshFloat(randomShape());
        if (chance(50)) freshConst(randomShape());
        while (builder.equationCount() < target) step();
        return new Case(builder.build(outputs()), consts, args);
    }

    /** One step emits at least one equation. Elementwise work is the most common, as in real programs. */
    private void step() {
        switch (dice.between(0, 28)) {
            case 0, 1, 2, 3 -> unaryOn(anyFloat());
            case 4, 5, 6, 7 -> {
                Value x = anyFloat();
                binaryOn(x, partner(x.shape()));
            }
            case 8 -> literalsOnly();
            case 9 -> repeat();
            case 10, 11 -> select();
            case 12 -> convert();
            case 13 -> broadcast();
            case 14 -> reshape();
            case 15 -> transpose();
            case 16 -> squeezeOrExpand();
            case 17 -> slice();
            case 18 -> pad();
            case 19 -> concatenate();
            case 20 -> reduce();
            case 21 -> argReduce();
            case 22 -> cumsum();
            case 23 -> dot();
            case 24 -> takeAlongAxis();
            case 25 -> dynamicSlice();
            case 26 -> iota();
            case 27 -> integerArithmetic();
            default -> sort();
        }
    }

    /** The newest value (so the last step is live), a few others, sometimes a literal; the rest is dead code. */
    private List<Atom> outputs() {
        List<Atom> outs = new ArrayList<>();
        outs.add(pool.getLast().atom());
        int extra = dice.between(0, 2);
        for (int i = 0; i < extra; i++) outs.add(pool.get(dice.between(0, pool.size() - 1)).atom());
        if (chance(5)) outs.add(literal().atom());
        return outs;
    }

    // ---- elementwise ----

    private Value unaryOn(Value x) {
        return switch (dice.between(0, 18)) {
            case 0 -> emit(Primitive.NEG, x.bound(), x);
            case 1 -> emit(Primitive.ABS, x.bound(), x);
            case 2 -> emit(Primitive.SIGN, 1, x);
            case 3 -> emit(Primitive.SIN, 1, x);
            case 4 -> emit(Primitive.COS, 1, x);
            case 5 -> emit(Primitive.TANH, 1, x);
            case 6 -> emit(Primitive.LOGISTIC, 1, x);
            case 7 -> emit(Primitive.FLOOR, x.bound() + 1, x);
            case 8 -> emit(Primitive.CEIL, x.bound() + 1, x);
            case 9 -> emit(Primitive.ROUND, x.bound() + 1, x);
            case 10 -> emit(Primitive.STOP_GRADIENT, x.bound(), x);
            case 11 -> emit(Primitive.EXP, Math.exp(8), tameTo(x, 8));
            case 12 -> emit(Primitive.EXP2, 256, tameTo(x, 8));
            case 13 -> emit(Primitive.EXPM1, Math.exp(8), tameTo(x, 8));
            // |x| <= 1 < pi/2 keeps tan away from its poles.
            case 14 -> emit(Primitive.TAN, 2, tameTo(x, 1));
            case 15 -> chance(50) ? emit(Primitive.LOG, Math.log1p(x.bound()), positive(x))
                    : emit(Primitive.LOG, 8, emit(Primitive.EXP, Math.exp(8), tameTo(x, 8)));
            case 16 -> emit(Primitive.LOG1P, Math.log1p(x.bound()), emit(Primitive.ABS, x.bound(), x));
            case 17 -> emit(Primitive.SQRT, Math.sqrt(x.bound()), emit(Primitive.ABS, x.bound(), x));
            default -> emit(Primitive.RSQRT, 1, positive(x));
        };
    }

    /** x and y have one shape, or one of them is rank 0. */
    private Value binaryOn(Value x0, Value y0) {
        Value x = tameTo(x0, LIMIT), y = tameTo(y0, LIMIT);
        return switch (dice.between(0, 9)) {
            case 0 -> emitEither(Primitive.ADD, x.bound() + y.bound(), x, y);
            case 1 -> emitEither(Primitive.SUB, x.bound() + y.bound(), x, y);
            case 2 -> {
                Value a = tameTo(x, 1000), b = tameTo(y, 1000);
                yield emitEither(Primitive.MUL, a.bound() * b.bound(), a, b);
            }
            case 3 -> emitEither(Primitive.MAX, Math.max(x.bound(), y.bound()), x, y);
            case 4 -> emitEither(Primitive.MIN, Math.max(x.bound(), y.bound()), x, y);
            case 5 -> emit(Primitive.DIV, x.bound(), x, positive(y));
            case 6 -> emit(Primitive.REM, x.bound(), x, positive(y));
            // A base >= 1 and an exponent in [-2, 2].
            case 7 -> emit(Primitive.POW, 81, positive(tameTo(x, 8)), tameTo(y, 2));
            // Any base with a small integral exponent.
            case 8 -> emit(Primitive.POW, 512, tameTo(x, 8), lit(dice.between(0, 3)));
            default -> emitEither(Primitive.ATAN2, 4, x, y);
        };
    }

    private void integerArithmetic() {
        Value x = pickFrom(v -> v.dtype().isInteger());
        if (x == null) x = freshIndices(randomShape(), 8);
        AbstractArray t = x.type();
        Value y = chance(50) ? pickFrom(v -> v.type().equals(t)) : null;
        integerOn(x, y != null ? y : intLiteral(t.dtype()));
    }

    /** Integer arithmetic wraps (so no bound is known); integer division and remainder by zero give 0. */
    private Value integerOn(Value x, Value y) {
        double unknown = Double.POSITIVE_INFINITY;
        return switch (dice.between(0, 3)) {
            case 0 -> emit(pick(List.of(Primitive.NEG, Primitive.ABS, Primitive.SIGN, Primitive.NOT)), unknown, x);
            case 1 -> emitEither(pick(List.of(Primitive.AND, Primitive.OR, Primitive.XOR)), unknown, x, y);
            default -> emitEither(pick(List.of(Primitive.ADD, Primitive.SUB, Primitive.MUL, Primitive.DIV, Primitive.REM,
                    Primitive.POW, Primitive.MAX, Primitive.MIN)), unknown, x, y);
        };
    }

    private Value intLiteral(DType t) { return intLiteral(t, dice.between(-3, 3)); }

    private static Value intLiteral(DType t, long v) {
        Literal l = new Literal(v, t);
        return new Value(l, l.type(), Math.abs(v));
    }

    /** A second operand for an elementwise operation on shape s: a value of that shape, or a rank-0 literal or variable. */
    private Value partner(Shape s) {
        return switch (dice.between(0, 3)) {
            case 0 -> literal();
            case 1 -> scalarVar();
            default -> floatOfShape(s);
        };
    }

    /** Equations on literals alone, chained through their rank-0 results: work for constant folding. */
    private void literalsOnly() {
        Value x = foldableScalar(), y = foldableScalar();
        switch (dice.between(0, 4)) {
            case 0 -> unaryOn(x);
            case 1 -> binaryOn(x, y);
            case 2 -> emit(Primitive.SELECT_N, Math.max(x.bound(), y.bound()), compare(x, y), x, y);
            case 3 -> {
                DType t = chance(50) ? DType.I32 : DType.I64;
                convert(integerOn(intLiteral(t), intLiteral(t)), dt);
            }
            default -> rankZeroShaping(x);
        }
    }

    /** Shaping primitives are legal on rank 0 too, with empty parameter tuples. */
    private void rankZeroShaping(Value x) {
        int[] none = {};
        switch (dice.between(0, 8)) {
            case 0 -> emit(Primitive.RESHAPE, Params.of("shape", none), x.bound(), x);
            case 1 -> emit(Primitive.BROADCAST_IN_DIM, Params.of("shape", none, "dims", none), x.bound(), x);
            case 2 -> emit(Primitive.TRANSPOSE, Params.of("permutation", none), x.bound(), x);
            case 3 -> emit(Primitive.SQUEEZE, Params.of("dims", none), x.bound(), x);
            case 4 -> emit(Primitive.EXPAND_DIMS, Params.of("dims", none), x.bound(), x);
            case 5 -> emit(pick(REDUCTIONS), Params.of("axes", none), x.bound(), x);
            case 6 -> emit(Primitive.PAD, Params.of("low", none, "high", none, "interior", none), x.bound(), x, literal());
            case 7 -> emit(Primitive.DYNAMIC_SLICE, Params.of("sizes", none), x.bound(), x);
            default -> convert(convert(x, otherFloat), dt);
        }
    }

    private void select() {
        Value x = anyFloat();
        Value y = floatOfShape(x.shape());
        double bound = Math.max(x.bound(), y.bound());
        if (chance(20)) {
            // An integer predicate picks one of three cases; out-of-range picks clamp.
            Value z = floatOfShape(x.shape());
            Value which = convert(emit(Primitive.FLOOR, 5, tameTo(x, 4)), DType.I32);
            emit(Primitive.SELECT_N, Math.max(bound, z.bound()), which, x, y, z);
        } else if (chance(50)) {
            emit(Primitive.SELECT_N, bound, predicate(x), x, y);
        } else {
            emit(Primitive.SELECT_N, bound, predicate(x), y, x);
        }
    }

    /** A bool of x's shape or of rank 0. */
    private Value predicate(Value x) {
        return switch (dice.between(0, 5)) {
            case 0, 1 -> compare(x, partner(x.shape()));
            case 2 -> compare(scalarVar(), literal());
            case 3 -> emit(Primitive.IS_FINITE, 1, x);
            case 4 -> {
                Value p = compare(x, partner(x.shape()));
                yield chance(25) ? emit(Primitive.NOT, 1, p)
                        : emitEither(pick(List.of(Primitive.AND, Primitive.OR, Primitive.XOR)), 1, p, compare(x, literal()));
            }
            default -> {
                Value earlier = pickFrom(v -> v.dtype() == DType.BOOL && v.shape().equals(x.shape()));
                yield earlier != null ? earlier : emit(Primitive.IS_FINITE, 1, x);
            }
        };
    }

    private Value compare(Value x, Value y) {
        return emitEither(pick(COMPARISONS), 1, x, y);
    }

    /** Round trips through the other float dtype (exact from f32), the integers (truncating) and bool. */
    private void convert() {
        Value x = anyFloat();
        switch (dice.between(0, 3)) {
            case 0 -> convert(convert(x, otherFloat), dt);
            case 1 -> convert(convert(x, DType.I32), dt);
            case 2 -> convert(convert(x, DType.I64), dt);
            default -> convert(convert(x, DType.BOOL), dt);
        }
    }

    private Value convert(Value x, DType to) {
        return emit(Primitive.CONVERT_ELEMENT_TYPE, Params.of("new_dtype", to), to == DType.BOOL ? 1 : x.bound(), x);
    }

    // ---- shaping ----

    private void broadcast() {
        Value x = pickFrom(v -> isFloat(v) && v.rank() < config.maxRank() && v.size() <= config.maxElements());
        if (x == null) x = chance(50) ? literal() : scalarVar();
        int outRank = dice.between(x.rank(), config.maxRank());
        int[] dims = increasingSubset(x.rank(), outRank);
        int[] out = new int[outRank];
        for (int j = 0; j < outRank; j++) out[j] = randomDim();
        // Axes of size 1 may stretch; the others keep their size.
        for (int i = 0; i < dims.length; i++) {
            if (x.dim(i) != 1 || chance(50)) out[dims[i]] = x.dim(i);
        }
        emit(Primitive.BROADCAST_IN_DIM, Params.of("shape", out, "dims", dims), x.bound(), x);
    }

    private void reshape() {
        Value x = anyFloat();
        emit(Primitive.RESHAPE, Params.of("shape", dimsOfSize(x.size())), x.bound(), x);
    }

    private void transpose() {
        Value x = anyFloat();
        emit(Primitive.TRANSPOSE, Params.of("permutation", permutation(x.rank())), x.bound(), x);
    }

    private void squeezeOrExpand() {
        Value x = anyFloat();
        List<Integer> ones = new ArrayList<>();
        for (int d = 0; d < x.rank(); d++) if (x.dim(d) == 1) ones.add(d);
        if (!ones.isEmpty() && (x.rank() == config.maxRank() || chance(50))) {
            int[] order = permutation(ones.size());
            int[] dims = new int[dice.between(1, ones.size())];
            for (int i = 0; i < dims.length; i++) dims[i] = ones.get(order[i]);
            emit(Primitive.SQUEEZE, Params.of("dims", dims), x.bound(), x);
        } else if (x.rank() < config.maxRank()) {
            int k = dice.between(1, config.maxRank() - x.rank());
            int[] order = permutation(x.rank() + k);
            emit(Primitive.EXPAND_DIMS, Params.of("dims", Arrays.copyOf(order, k)), x.bound(), x);
        } else {
            emit(Primitive.SQUEEZE, Params.of("dims", new int[0]), x.bound(), x);
        }
    }

    private void slice() {
        Value x = anyFloat();
        int r = x.rank();
        int[] start = new int[r], limit = new int[r], strides = new int[r];
        for (int d = 0; d < r; d++) {
            start[d] = dice.between(0, x.dim(d));
            limit[d] = dice.between(start[d], x.dim(d));
            strides[d] = dice.between(1, 3);
        }
        emit(Primitive.SLICE, Params.of("start", start, "limit", limit, "strides", strides), x.bound(), x);
    }

    /** Negative low/high padding crops; interior padding spreads the elements apart. */
    private void pad() {
        Value x = small(v -> true);
        int r = x.rank();
        int[] low = new int[r], high = new int[r], interior = new int[r];
        for (int d = 0; d < r; d++) {
            low[d] = dice.between(-1, 2);
            high[d] = dice.between(-1, 2);
            interior[d] = dice.between(0, 2);
            int n = x.dim(d);
            if (low[d] + high[d] + n + Math.max(n - 1, 0) * interior[d] < 0) {
                low[d] = Math.max(low[d], 0);
                high[d] = Math.max(high[d], 0);
            }
        }
        Value v = chance(50) ? literal() : scalarVar();
        emit(Primitive.PAD, Params.of("low", low, "high", high, "interior", interior), Math.max(x.bound(), v.bound()), x, v);
    }

    private void concatenate() {
        Value x = small(v -> v.rank() >= 1);
        int dim = dice.between(0, x.rank() - 1);
        List<Value> parts = new ArrayList<>();
        parts.add(x);
        int n = dice.between(0, 3);
        for (int i = 0; i < n; i++) {
            int[] dims = x.shape().dims();
            dims[dim] = randomDim();
            parts.add(chance(25) ? x : floatOfShape(Shape.of(dims)));
        }
        Collections.rotate(parts, dice.between(0, parts.size() - 1));
        double bound = parts.stream().mapToDouble(Value::bound).max().orElseThrow();
        emitAll(Primitive.CONCATENATE, Params.of("dimension", dim), List.of(bound), parts);
    }

    private void iota() {
        Shape s = randomShape(dice.between(1, config.maxRank()));
        int dimension = dice.between(0, s.rank() - 1);
        if (chance(50)) {
            iota(dt, s, dimension);
        } else {
            convert(iota(DType.I32, s, dimension), dt);
        }
    }

    private Value iota(DType dtype, Shape s, int dimension) {
        return emit(Primitive.IOTA, Params.of("dtype", dtype, "shape", s, "dimension", dimension), s.dim(dimension));
    }

    // ---- reductions, scans, contractions, sorting ----

    private void reduce() {
        Value x = orInteger(anyFloat());
        int[] axes = randomSubset(x.rank());
        long n = 1;
        for (int a : axes) n *= x.dim(a);
        Primitive p = pick(REDUCTIONS);
        Params params = Params.of("axes", axes);
        if (!isFloat(x)) {
            emit(p, params, Double.POSITIVE_INFINITY, x);
            return;
        }
        switch (p) {
            case REDUCE_SUM -> {
                Value t = tameTo(x, LIMIT);
                emit(p, params, t.bound() * Math.max(n, 1), t);
            }
            // Products of numbers in [-1, 1] stay there.
            case REDUCE_PROD -> emit(p, params, 1, tameTo(x, 1));
            // An empty max is -inf.
            default -> emit(p, params, n == 0 ? Double.POSITIVE_INFINITY : x.bound(), x);
        }
    }

    private void argReduce() {
        Value x = pickFrom(v -> isFloat(v) && v.size() <= config.maxElements() && nonEmptyAxes(v).length > 0);
        if (x == null) x = freshFloat(nonEmptyShape());
        int[] axes = nonEmptyAxes(x);
        int axis = axes[dice.between(0, axes.length - 1)];
        Params params = Params.of("axis", axis, "index_dtype", chance(50) ? DType.I32 : DType.I64);
        Value i = emit(chance(50) ? Primitive.ARGMAX : Primitive.ARGMIN, params, x.dim(axis), x);
        if (chance(50)) convert(i, dt);
    }

    private void cumsum() {
        Value x = tameTo(orInteger(small(v -> v.rank() >= 1)), LIMIT);
        int axis = dice.between(0, x.rank() - 1);
        double bound = isFloat(x) ? x.bound() * Math.max(x.dim(axis), 1) : Double.POSITIVE_INFINITY;
        emit(Primitive.CUMSUM, Params.of("axis", axis, "reverse", chance(50)), bound, x);
    }

    /** Plain and batched matmul, or a dot_general with random batch, contracting and free axes on either side. */
    private void dot() {
        Value x;
        int[] lb, lc, rb, rc;
        int[] yDims;
        int kind = dice.between(0, 2);
        if (config.maxRank() < kind + 2) kind = 2;
        if (kind == 0) {
            x = small(v -> v.rank() == 2, 2);
            yDims = new int[] {x.dim(1), randomDim()};
            lb = rb = new int[0];
            lc = new int[] {1};
            rc = new int[] {0};
        } else if (kind == 1) {
            x = small(v -> v.rank() == 3, 3);
            yDims = new int[] {x.dim(0), x.dim(2), randomDim()};
            lb = rb = new int[] {0};
            lc = new int[] {2};
            rc = new int[] {1};
        } else {
            x = small(v -> true);
            // Each lhs axis is a batch, contracting or free axis; the rhs has the same batch and
            // contracting axes (in a random order) and free axes of its own.
            int[] order = permutation(x.rank());
            int[] role = new int[x.rank()];
            int nb = 0, nc = 0, nfx = 0;
            for (int i = 0; i < role.length; i++) {
                role[i] = dice.between(0, 2);
                if (role[i] == 0) nb++; else if (role[i] == 1) nc++; else nfx++;
            }
            // Neither the rhs nor the result may exceed maxRank.
            int nfy = dice.between(0, config.maxRank() - nb - Math.max(nc, nfx));
            int[] yAxes = permutation(nb + nc + nfy);
            yDims = new int[yAxes.length];
            lb = new int[nb];
            rb = new int[nb];
            lc = new int[nc];
            rc = new int[nc];
            int ib = 0, ic = 0, k = 0;
            for (int axis : order) {
                if (role[axis] == 2) continue;
                int yAxis = yAxes[k++];
                yDims[yAxis] = x.dim(axis);
                if (role[axis] == 0) {
                    lb[ib] = axis;
                    rb[ib++] = yAxis;
                } else {
                    lc[ic] = axis;
                    rc[ic++] = yAxis;
                }
            }
            while (k < yAxes.length) yDims[yAxes[k++]] = randomDim();
        }
        Value a = tameTo(x, 100), b = tameTo(floatOfShape(Shape.of(yDims)), 100);
        long contracted = 1;
        for (int axis : lc) contracted *= x.dim(axis);
        double bound = a.bound() * b.bound() * Math.max(contracted, 1);
        if (chance(50)) {
            emit(Primitive.DOT_GENERAL, Params.of("lhs_contract", lc, "rhs_contract", rc, "lhs_batch", lb, "rhs_batch", rb), bound, a, b);
        } else {
            emit(Primitive.DOT_GENERAL, Params.of("lhs_contract", rc, "rhs_contract", lc, "lhs_batch", rb, "rhs_batch", lb), bound, b, a);
        }
    }

    private void sort() {
        Value x = small(v -> v.rank() >= 1);
        int dim = dice.between(0, x.rank() - 1);
        switch (dice.between(0, 2)) {
            case 0 -> emitAll(Primitive.SORT, sortParams(dim, 1), List.of(x.bound()), List.of(x));
            // argsort: the permutation rides along as a payload.
            case 1 -> emitAll(Primitive.SORT, sortParams(dim, 1), List.of(x.bound(), (double) x.dim(dim)),
                    List.of(x, iota(DType.I32, x.shape(), dim)));
            default -> {
                // floor makes ties, so that the second key decides.
                Value key = emit(Primitive.FLOOR, x.bound() + 1, x);
                Value second = floatOfShape(x.shape());
                emitAll(Primitive.SORT, sortParams(dim, 2), List.of(key.bound(), second.bound()), List.of(key, second));
            }
        }
    }

    private static Params sortParams(int dim, int numKeys) {
        return Params.of("dimension", dim, "num_keys", numKeys);
    }

    // ---- indexing ----

    /** gather or scatter_add along an axis; indices come from an input (some out of range), an iota or an earlier integer value. */
    private void takeAlongAxis() {
        Value x = small(v -> v.rank() >= 1);
        int axis = dice.between(0, x.rank() - 1);
        int n = x.dim(axis);
        int[] idxDims = x.shape().dims();
        idxDims[axis] = n == 0 ? 0 : randomDim();
        Shape s = Shape.of(idxDims);
        Value idx = indices(s, n);
        Params params = Params.of("axis", axis);
        if (chance(50)) {
            emit(Primitive.GATHER, params, x.bound(), x, idx);
        } else {
            Value t = tameTo(x, LIMIT), u = tameTo(floatOfShape(s), LIMIT);
            emit(Primitive.SCATTER_ADD, params, t.bound() + idxDims[axis] * u.bound(), t, idx, u);
        }
    }

    private Value indices(Shape s, int n) {
        return switch (dice.between(0, 2)) {
            case 0 -> iota(DType.I32, s, dice.between(0, s.rank() - 1));
            case 1 -> {
                Value earlier = pickFrom(v -> v.dtype().isInteger() && v.shape().equals(s));
                yield earlier != null ? earlier : freshIndices(s, n);
            }
            default -> freshIndices(s, n);
        };
    }

    private void dynamicSlice() {
        Value x = anyFloat();
        int[] sizes = new int[x.rank()];
        for (int d = 0; d < sizes.length; d++) sizes[d] = dice.between(0, x.dim(d));
        List<Value> operands = new ArrayList<>();
        operands.add(x);
        Value update = null;
        if (chance(50)) {
            update = floatOfShape(Shape.of(sizes));
            operands.add(update);
        }
        for (int d = 0; d < sizes.length; d++) operands.add(startIndex(x.dim(d) - sizes[d]));
        if (update == null) {
            emitAll(Primitive.DYNAMIC_SLICE, Params.of("sizes", sizes), List.of(x.bound()), operands);
        } else {
            emitAll(Primitive.DYNAMIC_UPDATE_SLICE, Params.EMPTY, List.of(Math.max(x.bound(), update.bound())), operands);
        }
    }

    /** A rank-0 integer start for an axis with valid starts [0, range]; sometimes outside, to exercise clamping. */
    private Value startIndex(int range) {
        return switch (dice.between(0, 3)) {
            case 0 -> intLiteral(DType.I32, dice.between(-1, range + 1));
            case 1 -> intLiteral(DType.I64, dice.between(-1, range + 1));
            case 2 -> {
                Value earlier = pickFrom(v -> v.rank() == 0 && v.dtype().isInteger());
                yield earlier != null ? earlier : freshIndices(Shape.SCALAR, range + 1);
            }
            default -> freshIndices(Shape.SCALAR, range + 1);
        };
    }

    // ---- CSE work ----

    private void repeat() {
        if (emitted.isEmpty()) {
            unaryOn(anyFloat());
            return;
        }
        Emitted e = emitted.get(dice.between(0, emitted.size() - 1));
        define(builder.add(e.primitive(), e.params(), e.operands()), e.bounds(), isFoldable(e.operands()));
    }

    // ---- emitting ----

    private Value emit(Primitive p, double bound, Value... operands) {
        return emit(p, Params.EMPTY, bound, operands);
    }

    private Value emit(Primitive p, Params params, double bound, Value... operands) {
        return emitAll(p, params, List.of(bound), List.of(operands)).getFirst();
    }

    /** Emits {@code p} on (a, b) or (b, a): both orders are well typed for elementwise binaries. */
    private Value emitEither(Primitive p, double bound, Value a, Value b) {
        return chance(50) ? emit(p, bound, a, b) : emit(p, bound, b, a);
    }

    private List<Value> emitAll(Primitive p, Params params, List<Double> bounds, List<Value> operands) {
        List<Atom> atoms = operands.stream().map(Value::atom).toList();
        emitted.add(new Emitted(p, params, atoms, bounds));
        return define(builder.add(p, params, atoms), bounds, isFoldable(atoms));
    }

    private List<Value> define(List<Var> vars, List<Double> bounds, boolean fromLiterals) {
        List<Value> out = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            Value v = new Value(vars.get(i), builder.type(vars.get(i)), bounds.get(i));
            if (fromLiterals && v.rank() == 0) foldable.add(v.atom());
            pool.add(v);
            out.add(v);
        }
        return out;
    }

    private boolean isFoldable(List<Atom> operands) {
        return !operands.isEmpty() && operands.stream().allMatch(a -> a instanceof Literal || foldable.contains(a));
    }

    // ---- operands ----

    private boolean isFloat(Value v) { return v.dtype() == dt; }

    /** A float value from the pool, recent ones half the time so that chains grow deep rather than wide. */
    private Value anyFloat() { return pickFrom(this::isFloat); }

    private Value pickFrom(Predicate<Value> ok) {
        List<Value> candidates = pool.stream().filter(ok).toList();
        if (candidates.isEmpty()) return null;
        int lo = chance(50) ? Math.max(0, candidates.size() - 3) : 0;
        return candidates.get(dice.between(lo, candidates.size() - 1));
    }

    /** A float of at most maxElements elements satisfying ok, or a fresh input. */
    private Value small(Predicate<Value> ok) {
        return small(ok, dice.between(1, config.maxRank()));
    }

    private Value small(Predicate<Value> ok, int freshRank) {
        Value v = pickFrom(w -> isFloat(w) && w.size() <= config.maxElements() && ok.test(w));
        return v != null ? v : freshFloat(randomShape(freshRank));
    }

    /** Now and then an integer value (of x's rank or more) instead of x, so that integer reductions and scans run too. */
    private Value orInteger(Value x) {
        Value i = chance(20) ? pickFrom(v -> v.dtype().isInteger() && v.rank() >= x.rank()) : null;
        return i != null ? i : x;
    }

    /** A float of shape s: an earlier value, a broadcast scalar, or a fresh input. */
    private Value floatOfShape(Shape s) {
        AbstractArray t = new AbstractArray(dt, s);
        int choice = dice.between(0, 3);
        Value earlier = choice < 2 ? pickFrom(v -> v.type().equals(t)) : null;
        if (earlier != null) return earlier;
        if (choice == 2) {
            Value scalar = chance(50) ? literal() : scalarVar();
            return emit(Primitive.BROADCAST_IN_DIM, Params.of("shape", s, "dims", new int[0]), scalar.bound(), scalar);
        }
        return freshFloat(s);
    }

    private Value scalarVar() {
        Value v = pickFrom(w -> isFloat(w) && w.rank() == 0);
        return v != null ? v : freshFloat(Shape.SCALAR);
    }

    private Value foldableScalar() {
        Value v = chance(50) ? pickFrom(w -> isFloat(w) && foldable.contains(w.atom())) : null;
        return v != null ? v : literal();
    }

    private Value literal() { return lit(randomFloat()); }

    private Value lit(double v) {
        Literal l = Literal.of(v, dt);
        return new Value(l, l.type(), Math.abs(l.asDouble()));
    }

    /** |x| + 1, which is at least 1 (or NaN). */
    private Value positive(Value x) {
        return emitEither(Primitive.ADD, x.bound() + 1, emit(Primitive.ABS, x.bound(), x), lit(1));
    }

    /** x if |x| <= limit is known, else x clamped into [-limit, limit] or squashed by tanh. Integers pass. */
    private Value tameTo(Value x, double limit) {
        if (!isFloat(x) || x.bound() <= limit) return x;
        if (limit >= 1 && chance(50)) return emit(Primitive.TANH, 1, x);
        Value low = emitEither(Primitive.MAX, Math.max(x.bound(), limit), x, lit(-limit));
        return emitEither(Primitive.MIN, limit, low, lit(limit));
    }

    // ---- fresh inputs and their values ----

    private Value freshFloat(Shape s) {
        AbstractArray t = new AbstractArray(dt, s);
        Value v = new Value(builder.input(t), t, 4);
        args.add(floatTensor(t));
        pool.add(v);
        return v;
    }

    private void freshConst(Shape s) {
        AbstractArray t = new AbstractArray(dt, s);
        pool.add(new Value(builder.constVar(t), t, 4));
        consts.add(floatTensor(t));
    }

    /** Indices into an axis of length n: mostly in range, sometimes one past either end. */
    private Value freshIndices(Shape s, int n) {
        AbstractArray t = new AbstractArray(chance(50) ? DType.I32 : DType.I64, s);
        Value v = new Value(builder.input(t), t, n + 1);
        Object data = Tensor.allocate(t.dtype(), s.size());
        for (int i = 0; i < s.size(); i++) Tensor.setLong(data, i, dice.between(-1, n));
        args.add(Tensor.wrap(t, data));
        pool.add(v);
        return v;
    }

    private Tensor floatTensor(AbstractArray t) {
        Object data = Tensor.allocate(t.dtype(), t.shape().size());
        for (int i = 0; i < t.shape().size(); i++) Tensor.setDouble(data, i, randomFloat());
        return Tensor.wrap(t, data);
    }

    private double randomFloat() {
        if (config.specialValues() && dice.between(0, 19) == 0) return SPECIALS[dice.between(0, SPECIALS.length - 1)];
        return dice.between(-32, 32) / 8.0;
    }

    // ---- shapes ----

    /** Empty axes are kept rare (one in ten), since an empty array makes everything downstream of it empty too. */
    private int randomDim() { return dimUpTo(config.maxDim()); }

    private int dimUpTo(int hi) {
        if (config.minDim() > 0 || hi == 0) return dice.between(config.minDim(), hi);
        return chance(10) ? 0 : dice.between(1, hi);
    }

    private Shape randomShape() { return randomShape(dice.between(0, config.maxRank())); }

    /** Dimensions in [minDim, maxDim], shrunk where needed to stay within maxElements. */
    private Shape randomShape(int rank) {
        int[] dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            long room = config.maxElements() / Math.max(size, 1);
            dims[i] = dimUpTo((int) Math.max(config.minDim(), Math.min(config.maxDim(), room)));
            size *= dims[i];
        }
        return Shape.of(dims);
    }

    /** A shape with at least one non-empty axis (what argmax needs). */
    private Shape nonEmptyShape() {
        int[] dims = randomShape(dice.between(1, config.maxRank())).dims();
        dims[dice.between(0, dims.length - 1)] = dice.between(1, config.maxDim());
        return Shape.of(dims);
    }

    private static int[] nonEmptyAxes(Value v) {
        return IntStream.range(0, v.rank()).filter(d -> v.dim(d) > 0).toArray();
    }

    /** Some shape with exactly n elements: the prime factors of n spread over a random rank. */
    private int[] dimsOfSize(int n) {
        int rank = dice.between(n == 1 ? 0 : 1, config.maxRank());
        int[] dims = new int[rank];
        Arrays.fill(dims, 1);
        if (n == 0) {
            for (int d = 0; d < rank; d++) dims[d] = randomDim();
            dims[dice.between(0, rank - 1)] = 0;
            return dims;
        }
        int m = n;
        for (int f = 2; m > 1; f++) {
            while (m % f == 0) {
                dims[dice.between(0, rank - 1)] *= f;
                m /= f;
            }
        }
        return dims;
    }

    // ---- choices ----

    private boolean chance(int percent) { return dice.between(0, 99) < percent; }

    private <T> T pick(List<T> items) { return items.get(dice.between(0, items.size() - 1)); }

    private int[] permutation(int n) {
        int[] p = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = dice.between(0, i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Some of 0..n-1, in a random order. */
    private int[] randomSubset(int n) {
        return Arrays.copyOf(permutation(n), dice.between(0, n));
    }

    /** k of 0..n-1 in increasing order, each k-subset equally likely. */
    private int[] increasingSubset(int k, int n) {
        int[] out = new int[k];
        int chosen = 0;
        for (int j = 0; j < n && chosen < k; j++) {
            if (dice.between(1, n - j) <= k - chosen) out[chosen++] = j;
        }
        return out;
    }
}
