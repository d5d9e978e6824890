#!/usr/bin/env python3
"""Writes the interpreter's golden cases: IR programs, their inputs, and NumPy's outputs.

Usage: python3 make_golden.py   (NumPy 2.x; writes the *.golden files next to this script)

Every primitive has a NumPy twin below that implements the IR semantics (DESIGN.md §2), so each
case is "this program on these inputs gives what NumPy gives". InterpreterGoldenTest reads the
files. Format, one item per line, cases separated by a blank line:

    case <name>
    <the program in the IR text form, as Program.toString prints it>
    arg <type> <values...>      one line per program input, in order
    out <type> <values...>      one line per program output, in order

<type> is the IR type (f32[3,4], i32[]); values are row-major: floats as the shortest decimal that
reads back to the same f32/f64 (or nan, inf, -inf), integers in decimal, bools as true/false.
Lines starting with '#' are comments. Each case draws from its own generator seeded by its name,
so adding a case leaves the others unchanged.
"""
import pathlib
import zlib

import numpy as np

DTYPES = {'bool': np.bool_, 'i32': np.int32, 'i64': np.int64, 'f32': np.float32, 'f64': np.float64}
IR_NAME = {np.dtype(t): name for name, t in DTYPES.items()}
FLOATS = ('f32', 'f64')
NAN, INF = float('nan'), float('inf')


# ---- NumPy twins of the primitives ----

def int_div(a, b):
    """Integer division truncating toward zero (as C and lax.div do); division by zero gives 0."""
    safe = np.where(b == 0, 1, b)
    q = np.abs(a) // np.abs(safe) * (np.sign(a) * np.sign(safe))
    return np.where(b == 0, 0, q).astype(a.dtype)


def div(p, a, b):
    return a / b if a.dtype.kind == 'f' else int_div(a, b)


def rem(p, a, b):
    """C fmod: the sign of the dividend; integer remainder by zero gives 0."""
    if a.dtype.kind == 'f':
        return np.fmod(a, b)
    return np.where(b == 0, 0, np.fmod(a, np.where(b == 0, 1, b))).astype(a.dtype)


def select_n(p, pred, *cases):
    """Case k where pred is k (a bool predicate picks case1 where true)."""
    which = np.broadcast_to(pred.astype(np.int64), cases[0].shape)
    return np.choose(which, cases)


def iota(p):
    shape, dim = p['shape'], p['dimension']
    line = [1] * len(shape)
    line[dim] = shape[dim]
    return np.broadcast_to(np.arange(shape[dim]).reshape(line), shape).astype(DTYPES[p['dtype']])


def broadcast_in_dim(p, x):
    shape, dims = p['shape'], p['dims']
    placed = [1] * len(shape)
    for i, d in enumerate(dims):
        placed[d] = x.shape[i]
    return np.broadcast_to(x.reshape(placed), shape).copy()


def slice_(p, x):
    return x[tuple(slice(s, l, st) for s, l, st in zip(p['start'], p['limit'], p['strides']))].copy()


def pad(p, x, v):
    """lax.pad: `interior` fill values between neighbours, then `low`/`high` at the edges (negative crops)."""
    low, high, interior = p['low'], p['high'], p['interior']
    spread = np.full([d + max(d - 1, 0) * i for d, i in zip(x.shape, interior)], v, x.dtype)
    spread[tuple(slice(None, None, i + 1) for i in interior)] = x
    padded = np.pad(spread, [(max(lo, 0), max(hi, 0)) for lo, hi in zip(low, high)], constant_values=v)
    return padded[tuple(slice(max(-lo, 0), n - max(-hi, 0)) for lo, hi, n in zip(low, high, padded.shape))]


def clamped_starts(x_shape, sizes, starts):
    """XLA clamps a dynamic slice's start so the block stays inside the operand."""
    return [int(np.clip(s, 0, n - k)) for s, n, k in zip(starts, x_shape, sizes)]


def dynamic_slice(p, x, *starts):
    sizes = p['sizes']
    at = clamped_starts(x.shape, sizes, starts)
    return x[tuple(slice(s, s + k) for s, k in zip(at, sizes))].copy()


def dynamic_update_slice(p, x, u, *starts):
    at = clamped_starts(x.shape, u.shape, starts)
    y = x.copy()
    y[tuple(slice(s, s + k) for s, k in zip(at, u.shape))] = u
    return y


def take_along_positions(x, idx, axis):
    """Index arrays addressing, for every position of idx, the element of x that take-along-axis reads (clamped)."""
    positions = list(np.indices(idx.shape, sparse=True))
    positions[axis] = np.clip(idx, 0, x.shape[axis] - 1)
    return tuple(positions)


def gather(p, x, idx):
    return x[take_along_positions(x, idx, p['axis'])]


def scatter_add(p, x, idx, upd):
    y = x.copy()
    np.add.at(y, take_along_positions(x, idx, p['axis']), upd)
    return y


def reduction(np_reduce, float_identity, int_identity):
    """Reduces over `axes`, starting from the identity (so empty reductions give it); keeps the dtype."""
    def twin(p, x):
        identity = float_identity if x.dtype.kind == 'f' else int_identity(np.iinfo(x.dtype))
        return np_reduce(x, axis=tuple(p['axes']), initial=identity).astype(x.dtype)
    return twin


def arg_reduction(np_arg):
    def twin(p, x):
        return np_arg(x, axis=p['axis']).astype(DTYPES[p['index_dtype']])
    return twin


def cumsum(p, x):
    axis = p['axis']
    if p['reverse']:
        return np.flip(np.cumsum(np.flip(x, axis), axis, dtype=x.dtype), axis)
    return np.cumsum(x, axis, dtype=x.dtype)


def dot_general(p, a, b):
    """Output axes: batch, lhs free, rhs free (as lax.dot_general)."""
    letters = iter('abcdefghijklmnopqrstuvwxyz')
    la, lb = [None] * a.ndim, [None] * b.ndim
    for i, j in zip(p['lhs_batch'] + p['lhs_contract'], p['rhs_batch'] + p['rhs_contract']):
        la[i] = lb[j] = next(letters)
    batch = [la[i] for i in p['lhs_batch']]
    free = []
    for labels in (la, lb):
        for k, label in enumerate(labels):
            if label is None:
                labels[k] = next(letters)
                free.append(labels[k])
    spec = f"{''.join(la)},{''.join(lb)}->{''.join(batch + free)}"
    return np.einsum(spec, a, b).astype(a.dtype)


def sort(p, *operands):
    """Stable, lexicographic by the first num_keys operands along `dimension`; NaN last, -0.0 == 0.0."""
    dim, keys = p['dimension'], operands[:p['num_keys']]
    order = np.lexsort(keys[::-1], axis=dim)
    return [np.take_along_axis(o, order, dim) for o in operands]


def unary(f):
    return lambda p, x: f(x)


def binary(f):
    return lambda p, a, b: f(a, b)


TWINS = {
    'neg': unary(np.negative), 'abs': unary(np.abs), 'sign': unary(np.sign), 'exp': unary(np.exp),
    'exp2': unary(np.exp2), 'log': unary(np.log), 'log1p': unary(np.log1p), 'expm1': unary(np.expm1),
    'sin': unary(np.sin), 'cos': unary(np.cos), 'tan': unary(np.tan), 'tanh': unary(np.tanh),
    'logistic': unary(lambda x: 1 / (1 + np.exp(-x))), 'sqrt': unary(np.sqrt),
    'rsqrt': unary(lambda x: 1 / np.sqrt(x)), 'floor': unary(np.floor), 'ceil': unary(np.ceil),
    'round': unary(np.round), 'is_finite': unary(np.isfinite), 'not': unary(np.invert),
    'stop_gradient': unary(np.copy),
    'add': binary(np.add), 'sub': binary(np.subtract), 'mul': binary(np.multiply), 'div': div, 'rem': rem,
    'pow': binary(np.power), 'max': binary(np.maximum), 'min': binary(np.minimum), 'atan2': binary(np.arctan2),
    'and': binary(np.bitwise_and), 'or': binary(np.bitwise_or), 'xor': binary(np.bitwise_xor),
    'eq': binary(np.equal), 'ne': binary(np.not_equal), 'lt': binary(np.less), 'le': binary(np.less_equal),
    'gt': binary(np.greater), 'ge': binary(np.greater_equal),
    'select_n': select_n,
    'convert_element_type': lambda p, x: x.astype(DTYPES[p['new_dtype']]),
    'iota': iota, 'broadcast_in_dim': broadcast_in_dim,
    'reshape': lambda p, x: x.reshape(p['shape']),
    'transpose': lambda p, x: np.transpose(x, p['permutation']).copy(),
    'squeeze': lambda p, x: np.squeeze(x, axis=tuple(p['dims'])),
    'expand_dims': lambda p, x: np.expand_dims(x, tuple(p['dims'])),
    'slice': slice_, 'pad': pad,
    'concatenate': lambda p, *xs: np.concatenate(xs, axis=p['dimension']),
    'dynamic_slice': dynamic_slice, 'dynamic_update_slice': dynamic_update_slice,
    'gather': gather, 'scatter_add': scatter_add,
    'reduce_sum': reduction(np.sum, 0.0, lambda info: 0),
    'reduce_prod': reduction(np.prod, 1.0, lambda info: 1),
    'reduce_max': reduction(np.max, -INF, lambda info: info.min),
    'reduce_min': reduction(np.min, INF, lambda info: info.max),
    'argmax': arg_reduction(np.argmax), 'argmin': arg_reduction(np.argmin),
    'cumsum': cumsum, 'dot_general': dot_general, 'sort': sort,
}


# ---- building programs in the IR text form ----

def var_name(i):
    """Var.name: base 26 with letters, a … z, ba, bb …"""
    s = ''
    while True:
        s = chr(ord('a') + i % 26) + s
        i //= 26
        if i == 0:
            return s


def ir_type(a):
    return f"{IR_NAME[a.dtype]}[{','.join(map(str, a.shape))}]"


def value_text(v, dtype):
    if dtype.kind == 'b':
        return 'true' if v else 'false'
    if dtype.kind == 'i':
        return str(int(v))
    if np.isnan(v):
        return 'nan'
    if np.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return str(np.float32(v)) if dtype == np.float32 else repr(float(v))


def param_text(v):
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, (list, tuple)):
        return '(' + ', '.join(map(str, v)) + ')'
    return str(v)


class Val:
    """A program value: a literal, or a variable named when the program is printed."""
    def __init__(self, array, literal=None):
        self.array, self.literal, self.name = np.asarray(array), literal, None

    @property
    def text(self):
        return self.literal or self.name


def lit(value, dtype):
    """A literal operand such as 2.0:f32 (value must be exact in the dtype)."""
    array = np.asarray(value, DTYPES[dtype])
    return Val(array, f'{value_text(array, array.dtype)}:{dtype}')


class Program:
    def __init__(self):
        self.inputs, self.equations = [], []

    def arg(self, array):
        v = Val(array)
        self.inputs.append(v)
        return v

    def __call__(self, prim, *operands, **params):
        """Adds `prim[params] operands`, evaluated by its NumPy twin; returns its result(s)."""
        with np.errstate(all='ignore'):
            out = TWINS[prim](params, *[o.array for o in operands])
        results = [Val(r) for r in (out if isinstance(out, list) else [out])]
        ptext = '[' + ' '.join(f'{k}={param_text(v)}' for k, v in params.items()) + ']' if params else ''
        self.equations.append((results, prim + ptext, operands))
        return results[0] if len(results) == 1 else results

    def text(self, outputs):
        """Names variables canonically (inputs, then results in order), as Program.toString does."""
        variables = self.inputs + [r for results, _, _ in self.equations for r in results]
        for i, v in enumerate(variables):
            v.name = var_name(i)
        decl = lambda vals: ' '.join(f'{v.text}:{ir_type(v.array)}' for v in vals)
        lines = [f'{{ lambda ; {decl(self.inputs)}. let']
        lines += [f"    {decl(results)} = {head}" + ''.join(' ' + o.text for o in operands)
                  for results, head, operands in self.equations]
        return '\n'.join(lines + [f"  in ({', '.join(o.text for o in outputs)}) }}"])


class GoldenFile:
    def __init__(self, name, title):
        self.name, self.title, self.cases, self.names = name, title, [], set()

    def case(self, name, build):
        """build(program, rng) declares inputs, adds equations and returns the outputs (a Val or a list).

        It runs at once, so the builders below may close over their loop variables."""
        assert name not in self.names, name
        self.names.add(name)
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        p = Program()
        outs = build(p, rng)
        outs = outs if isinstance(outs, list) else [outs]
        lines = [f'case {name}', p.text(outs)]
        lines += [array_line('arg', v.array) for v in p.inputs]
        lines += [array_line('out', o.array) for o in outs]
        self.cases.append('\n'.join(lines))

    def write(self, folder):
        header = f'# {self.title}\n# Generated by make_golden.py from NumPy {np.__version__}; do not edit.\n'
        (folder / self.name).write_text(header + '\n' + '\n\n'.join(self.cases) + '\n')


def array_line(kind, a):
    a = np.asarray(a)
    return ' '.join([kind, ir_type(a)] + [value_text(v, a.dtype) for v in a.ravel()])


# ---- input data ----

def uniform(rng, lo, hi, shape, dtype):
    return rng.uniform(lo, hi, shape).astype(DTYPES[dtype])


def ints(rng, lo, hi, shape, dtype='i32'):
    """Integers in [lo, hi]."""
    return rng.integers(lo, hi, shape, endpoint=True).astype(DTYPES[dtype])


def away_from_zero(rng, lo, hi, shape, dtype):
    """Magnitudes in [lo, hi] with random signs: safe divisors."""
    return (uniform(rng, lo, hi, shape, dtype) * rng.choice([-1, 1], shape)).astype(DTYPES[dtype])


def arr(values, dtype):
    with np.errstate(over='ignore'):  # deliberate: values beyond f32's range become inf
        return np.asarray(values, DTYPES[dtype])


# ---- elementwise ----

# name: (low, high) of the random inputs, and special values (some deliberately off the domain).
UNARY_FLOAT = {
    'neg': (-5, 5, [0.0, -0.0, INF, -INF, NAN]),
    'abs': (-5, 5, [0.0, -0.0, -INF, NAN]),
    'sign': (-5, 5, [0.0, -0.0, INF, -INF, NAN, 1e-30]),
    'exp': (-20, 20, [0.0, -INF, INF, 100.0, -100.0, NAN]),
    'exp2': (-30, 30, [0.0, -INF, INF, 200.0, -200.0, 0.5]),
    'log': (0.01, 100, [0.0, 1.0, INF, -1.0, NAN, 1e-30]),
    'log1p': (-0.99, 10, [0.0, -1.0, 1e-10, -2.0, INF]),
    'expm1': (-5, 5, [0.0, 1e-10, -1e-10, -INF, INF]),
    'sin': (-10, 10, [0.0, INF, NAN, 3.0]),
    'cos': (-10, 10, [0.0, -INF, NAN, 3.0]),
    'tan': (-1.5, 1.5, [0.0, 3.0, INF]),
    'tanh': (-10, 10, [0.0, INF, -INF, 30.0, 1e-10]),
    'logistic': (-20, 20, [0.0, INF, -INF, 100.0, -100.0, NAN]),
    'sqrt': (0, 100, [0.0, -0.0, -1.0, INF, 2.0]),
    'rsqrt': (0.01, 100, [0.0, INF, 4.0, -1.0]),
    'floor': (-10, 10, [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.0, INF, NAN]),
    'ceil': (-10, 10, [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.0, -INF]),
    'round': (-10, 10, [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -0.0, 1e20, INF]),
    'is_finite': (-5, 5, [INF, -INF, NAN, 0.0, 1e300]),
    'stop_gradient': (-5, 5, [NAN, -INF]),
}

# Besides [3,4]: size-0, size-1 and rank-0/3 shapes, one per primitive in turn.
ODD_SHAPES = [(0, 3), (1,), (), (2, 1, 3), (1, 0), (1, 1)]

# name: ((low, high) of lhs, (low, high) of rhs, special (lhs, rhs) pairs).
BINARY_FLOAT = {
    'add': ((-10, 10), (-10, 10), [(INF, -INF), (INF, 1.0), (NAN, 1.0), (-0.0, 0.0), (1e38, 1e38)]),
    'sub': ((-10, 10), (-10, 10), [(INF, INF), (-0.0, 0.0), (1.0, NAN), (-1e38, 1e38)]),
    'mul': ((-10, 10), (-10, 10), [(0.0, INF), (-0.0, 5.0), (1e30, 1e30), (NAN, 0.0)]),
    'div': ((-10, 10), None, [(1.0, 0.0), (-1.0, 0.0), (0.0, 0.0), (1.0, -0.0), (INF, INF), (1.0, INF)]),
    'rem': ((-20, 20), None, [(5.5, INF), (INF, 2.0), (1.0, 0.0), (-5.5, 2.0), (5.5, -2.0), (-0.0, 1.0)]),
    'pow': ((0.1, 5), (-3, 3), [(0.0, 0.0), (-2.0, 3.0), (-2.0, 0.5), (0.0, -1.0), (2.0, INF), (NAN, 0.0),
                                (1.0, NAN), (-1.0, INF), (1.0, -INF), (0.5, -INF)]),
    'max': ((-5, 5), (-5, 5), [(NAN, 1.0), (1.0, NAN), (INF, -INF), (-INF, -1e300)]),
    'min': ((-5, 5), (-5, 5), [(NAN, 1.0), (1.0, NAN), (INF, -INF), (INF, 1e300)]),
    'atan2': ((-5, 5), (-5, 5), [(0.0, 0.0), (0.0, -0.0), (-0.0, -1.0), (INF, INF), (1.0, 0.0), (-INF, 1.0)]),
}

COMPARISONS = ('eq', 'ne', 'lt', 'le', 'gt', 'ge')


def binary_operands(rng, name, shape, dtype):
    (alo, ahi), b_range, _ = BINARY_FLOAT[name]
    a = uniform(rng, alo, ahi, shape, dtype)
    b = away_from_zero(rng, 0.5, 5, shape, dtype) if b_range is None else uniform(rng, *b_range, shape, dtype)
    return a, b


def elementwise_cases():
    f = GoldenFile('elementwise.golden', 'Elementwise primitives, select_n and convert_element_type.')
    unary_cases(f)
    binary_float_cases(f)
    integer_and_bool_cases(f)
    comparison_cases(f)
    select_cases(f)
    convert_cases(f)
    return f


def unary_cases(f):
    for k, (name, (lo, hi, specials)) in enumerate(UNARY_FLOAT.items()):
        odd = ODD_SHAPES[k % len(ODD_SHAPES)]
        for dt in FLOATS:
            f.case(f'{name}_{dt}', lambda p, rng: p(name, p.arg(uniform(rng, lo, hi, (3, 4), dt))))
            f.case(f'{name}_{dt}_special', lambda p, rng: p(name, p.arg(arr(specials, dt))))
            f.case(f'{name}_{dt}_shape_{"x".join(map(str, odd)) or "scalar"}',
                   lambda p, rng: p(name, p.arg(uniform(rng, lo, hi, odd, dt))))


def binary_float_cases(f):
    for name, (_, _, specials) in BINARY_FLOAT.items():
        for dt in FLOATS:
            def same_shape(p, rng):
                a, b = binary_operands(rng, name, (3, 4), dt)
                return p(name, p.arg(a), p.arg(b))

            def scalar_rhs(p, rng):
                a, b = binary_operands(rng, name, (3, 4), dt)
                return p(name, p.arg(a), p.arg(b[0, 0]))

            def scalar_lhs_and_empty(p, rng):
                a, b = binary_operands(rng, name, (3, 4), dt)
                c, d = binary_operands(rng, name, (2, 0), dt)
                return [p(name, p.arg(a[0, 0]), p.arg(b)), p(name, p.arg(c), p.arg(d)), p(name, p.arg(c), p.arg(b[1, 1]))]

            def special(p, rng):
                return p(name, p.arg(arr([s[0] for s in specials], dt)), p.arg(arr([s[1] for s in specials], dt)))

            f.case(f'{name}_{dt}', same_shape)
            f.case(f'{name}_{dt}_scalar_rhs', scalar_rhs)
            f.case(f'{name}_{dt}_scalar_lhs_and_empty', scalar_lhs_and_empty)
            f.case(f'{name}_{dt}_special', special)
    for dt in FLOATS:
        # Literal operands are rank-0 too.
        f.case(f'literals_{dt}', lambda p, rng: [
            p('mul', p.arg(uniform(rng, -3, 3, (2, 3), dt)), lit(2.0, dt)),
            p('pow', p.arg(uniform(rng, -3, 3, (5,), dt)), lit(2.0, dt)),
            p('max', lit(0.0, dt), p.arg(uniform(rng, -3, 3, (5,), dt))),
            p('sub', lit(1.0, dt), lit(0.25, dt))])


def integer_and_bool_cases(f):
    for dt in ('i32', 'i64'):
        for name in ('neg', 'abs', 'sign', 'not', 'stop_gradient'):
            f.case(f'{name}_{dt}', lambda p, rng: p(name, p.arg(ints(rng, -50, 50, (3, 4), dt))))
        for name in ('add', 'sub', 'mul', 'max', 'min', 'and', 'or', 'xor'):
            f.case(f'{name}_{dt}', lambda p, rng: p(name, p.arg(ints(rng, -1000, 1000, (3, 4), dt)),
                                                    p.arg(ints(rng, -1000, 1000, (3, 4), dt))))
            f.case(f'{name}_{dt}_scalar_rhs', lambda p, rng: p(name, p.arg(ints(rng, -1000, 1000, (5,), dt)),
                                                               p.arg(ints(rng, -1000, 1000, (), dt))))
        for name in ('div', 'rem'):
            # Both signs: quotients truncate toward zero, remainders take the dividend's sign.
            f.case(f'{name}_{dt}', lambda p, rng: p(name, p.arg(ints(rng, -20, 20, (4, 5), dt)),
                                                    p.arg(arr(rng.choice([-7, -3, -2, -1, 1, 2, 3, 7], (4, 5)), dt))))
            f.case(f'{name}_{dt}_by_zero', lambda p, rng: p(name, p.arg(arr([7, -7, 0, 5], dt)), p.arg(arr([0, 0, 0, 2], dt))))
        f.case(f'pow_{dt}', lambda p, rng: p('pow', p.arg(ints(rng, -4, 4, (3, 4), dt)), p.arg(ints(rng, 0, 5, (3, 4), dt))))
        f.case(f'pow_{dt}_scalar_lhs', lambda p, rng: p('pow', p.arg(arr(3, dt)), p.arg(arr([0, 1, 2, 10], dt))))
    # Two's complement wraparound.
    f.case('add_mul_i32_wrap', lambda p, rng: [p('add', p.arg(arr([2**31 - 1, -2**31], 'i32')), lit(1, 'i32')),
                                               p('mul', p.arg(arr([100000, 65536], 'i32')), lit(65536, 'i32'))])
    bools = lambda rng, shape: rng.integers(0, 2, shape).astype(np.bool_)
    for name in ('and', 'or', 'xor'):
        f.case(f'{name}_bool', lambda p, rng: p(name, p.arg(bools(rng, (3, 4))), p.arg(bools(rng, (3, 4)))))
        f.case(f'{name}_bool_literal', lambda p, rng: p(name, p.arg(bools(rng, (4,))), lit(True, 'bool')))
    f.case('not_bool', lambda p, rng: p('not', p.arg(arr([True, False, True], 'bool'))))
    f.case('not_bool_empty', lambda p, rng: p('not', p.arg(np.zeros((0,), np.bool_))))
    f.case('stop_gradient_bool', lambda p, rng: p('stop_gradient', p.arg(bools(rng, (2, 2)))))


def comparison_cases(f):
    # Few distinct values, so that ties are common.
    for name in COMPARISONS:
        for dt in FLOATS:
            f.case(f'{name}_{dt}', lambda p, rng: p(name, p.arg(arr(rng.integers(-2, 3, (3, 4)) / 2, dt)),
                                                    p.arg(arr(rng.integers(-2, 3, (3, 4)) / 2, dt))))
            f.case(f'{name}_{dt}_special', lambda p, rng: p(
                name, p.arg(arr([NAN, NAN, 1.0, INF, -0.0, -INF], dt)), p.arg(arr([NAN, 1.0, NAN, INF, 0.0, INF], dt))))
            f.case(f'{name}_{dt}_scalar_rhs', lambda p, rng: p(name, p.arg(arr(rng.integers(-2, 3, (2, 1, 3)), dt)),
                                                               lit(0.0, dt)))
        for dt in ('i32', 'i64'):
            f.case(f'{name}_{dt}', lambda p, rng: p(name, p.arg(ints(rng, -2, 2, (3, 4), dt)), p.arg(ints(rng, -2, 2, (3, 4), dt))))
        f.case(f'{name}_bool', lambda p, rng: p(name, p.arg(arr([False, False, True, True], 'bool')),
                                                p.arg(arr([False, True, False, True], 'bool'))))


def select_cases(f):
    for dt in FLOATS + ('i32', 'bool'):
        f.case(f'select_n_{dt}', lambda p, rng: p('select_n', p.arg(rng.integers(0, 2, (3, 4)).astype(np.bool_)),
                                                  p.arg(arr(rng.integers(-9, 9, (3, 4)), dt)),
                                                  p.arg(arr(rng.integers(-9, 9, (3, 4)), dt))))
    for dt in FLOATS:
        f.case(f'select_n_{dt}_scalar_pred', lambda p, rng: [
            p('select_n', p.arg(arr(True, 'bool')), p.arg(uniform(rng, -1, 1, (2, 3), dt)), p.arg(uniform(rng, -1, 1, (2, 3), dt))),
            p('select_n', lit(False, 'bool'), p.arg(uniform(rng, -1, 1, (0, 2), dt)), p.arg(uniform(rng, -1, 1, (0, 2), dt)))])
        f.case(f'select_n_{dt}_i32_pred_three_cases', lambda p, rng: p(
            'select_n', p.arg(ints(rng, 0, 2, (2, 5))), *[p.arg(uniform(rng, -1, 1, (2, 5), dt)) for _ in range(3)]))


def convert_cases(f):
    conversions = [
        ('f32', 'f64', [1.5, -0.1, INF, NAN, 3.4e38]),
        ('f64', 'f32', [0.1, 1 + 2**-30, 1e300, -1e-50, NAN, 1 + 2**-24, 1 + 3 * 2**-24]),  # rounds to nearest even
        ('f32', 'i32', [1.9, -1.9, 0.5, -0.5, 0.0, 1e9]),  # truncates toward zero
        ('f64', 'i64', [1.9, -1.9, 3e15 + 0.5, -7.99]),
        ('f64', 'i32', [2.5, -2.5, 123456.7]),
        ('i32', 'f32', [16777217, -3, 0, 2**31 - 1]),
        ('i32', 'f64', [16777217, -3, -2**31]),
        ('i64', 'f32', [2**53 + 1, 2**24 + 1, -5]),  # rounds once, from the exact integer
        ('i64', 'f64', [2**53 + 1, -2**62]),
        ('i64', 'i32', [2**33 + 5, -1, 2**31]),  # keeps the low 32 bits
        ('i32', 'i64', [-2**31, 7]),
        ('i32', 'bool', [0, 1, -3, 0]),
        ('f64', 'bool', [0.0, -0.0, 0.5, NAN, -INF]),
        ('f32', 'bool', [0.0, 2.0]),
        ('bool', 'f32', [True, False]),
        ('bool', 'i32', [True, False]),
        ('f32', 'f32', [1.25, NAN]),
    ]
    for src, dst, values in conversions:
        f.case(f'convert_element_type_{src}_to_{dst}', lambda p, rng: p(
            'convert_element_type', p.arg(arr(values, src)), new_dtype=dst))
    f.case('convert_element_type_f32_to_f64_empty', lambda p, rng: p(
        'convert_element_type', p.arg(np.zeros((2, 0), np.float32)), new_dtype='f64'))


# ---- shaping ----

def shaping_cases():
    f = GoldenFile('shaping.golden', 'iota, broadcast_in_dim, reshape, transpose, squeeze, expand_dims, slice, pad, concatenate.')
    for dt in ('f32', 'f64', 'i32', 'i64'):
        f.case(f'iota_{dt}', lambda p, rng: [p('iota', shape=(2, 3), dimension=1, dtype=dt),
                                             p('iota', shape=(4,), dimension=0, dtype=dt),
                                             p('iota', shape=(3, 0), dimension=0, dtype=dt)])
    for dt in FLOATS:
        f.case(f'broadcast_in_dim_{dt}', lambda p, rng: [
            p('broadcast_in_dim', p.arg(uniform(rng, -1, 1, (4,), dt)), shape=(3, 4), dims=(1,)),
            p('broadcast_in_dim', p.arg(uniform(rng, -1, 1, (3,), dt)), shape=(3, 2, 4), dims=(0,))])
        f.case(f'broadcast_in_dim_{dt}_size_one_axes', lambda p, rng: p(
            'broadcast_in_dim', p.arg(uniform(rng, -1, 1, (3, 1), dt)), shape=(2, 3, 4), dims=(1, 2)))
        f.case(f'broadcast_in_dim_{dt}_from_scalar', lambda p, rng: p(
            'broadcast_in_dim', p.arg(uniform(rng, -1, 1, (), dt)), shape=(2, 3), dims=()))
        f.case(f'broadcast_in_dim_{dt}_to_size_zero', lambda p, rng: [
            p('broadcast_in_dim', p.arg(uniform(rng, -1, 1, (1, 3), dt)), shape=(0, 3), dims=(0, 1)),
            p('broadcast_in_dim', p.arg(uniform(rng, -1, 1, (0,), dt)), shape=(2, 0), dims=(1,))])
        # Broadcasting binary operands the way a front end does: explicit broadcast, then the op.
        f.case(f'broadcast_then_add_{dt}', lambda p, rng: design_example(p, rng, dt))
        f.case(f'broadcast_then_mul_{dt}_outer', lambda p, rng: p(
            'mul', p('broadcast_in_dim', p.arg(uniform(rng, -2, 2, (3, 1), dt)), shape=(3, 5), dims=(0, 1)),
            p('broadcast_in_dim', p.arg(uniform(rng, -2, 2, (5,), dt)), shape=(3, 5), dims=(1,))))
        f.case(f'reshape_{dt}', lambda p, rng: [
            p('reshape', p.arg(uniform(rng, -1, 1, (2, 3, 4), dt)), shape=(6, 4)),
            p('reshape', p.arg(uniform(rng, -1, 1, (), dt)), shape=(1, 1)),
            p('reshape', p.arg(uniform(rng, -1, 1, (0, 3), dt)), shape=(3, 0, 5))])
        f.case(f'transpose_{dt}', lambda p, rng: [
            p('transpose', p.arg(uniform(rng, -1, 1, (2, 3, 4), dt)), permutation=(2, 0, 1)),
            p('transpose', p.arg(uniform(rng, -1, 1, (3, 1), dt)), permutation=(1, 0)),
            p('transpose', p.arg(uniform(rng, -1, 1, (0, 2), dt)), permutation=(1, 0))])
        f.case(f'squeeze_expand_dims_{dt}', lambda p, rng: [
            p('squeeze', p.arg(uniform(rng, -1, 1, (1, 3, 1), dt)), dims=(0, 2)),
            p('squeeze', p.arg(uniform(rng, -1, 1, (1, 0), dt)), dims=(0,)),
            p('expand_dims', p.arg(uniform(rng, -1, 1, (3,), dt)), dims=(0, 2)),
            p('expand_dims', p.arg(uniform(rng, -1, 1, (), dt)), dims=(0,))])
        f.case(f'slice_{dt}', lambda p, rng: [
            p('slice', p.arg(uniform(rng, -1, 1, (5, 6), dt)), start=(1, 0), limit=(4, 6), strides=(1, 2)),
            p('slice', p.arg(uniform(rng, -1, 1, (7,), dt)), start=(2,), limit=(7,), strides=(3,)),
            p('slice', p.arg(uniform(rng, -1, 1, (3, 4), dt)), start=(3, 1), limit=(3, 4), strides=(1, 1))])
        f.case(f'pad_{dt}', lambda p, rng: [
            p('pad', p.arg(uniform(rng, -1, 1, (2, 3), dt)), lit(0.0, dt), low=(1, 0), high=(2, 1), interior=(0, 0)),
            p('pad', p.arg(uniform(rng, -1, 1, (3, 2), dt)), p.arg(arr(-9.5, dt)), low=(0, 2), high=(1, 0), interior=(2, 1))])
        f.case(f'pad_{dt}_negative_crops', lambda p, rng: [
            p('pad', p.arg(uniform(rng, -1, 1, (4, 5), dt)), lit(7.0, dt), low=(-1, 2), high=(1, -3), interior=(0, 0)),
            p('pad', p.arg(uniform(rng, -1, 1, (4,), dt)), lit(7.0, dt), low=(-2,), high=(-1,), interior=(1,)),
            p('pad', p.arg(uniform(rng, -1, 1, (3,), dt)), lit(7.0, dt), low=(-2,), high=(-1,), interior=(0,))])
        f.case(f'pad_{dt}_empty_operand', lambda p, rng: p(
            'pad', p.arg(uniform(rng, -1, 1, (0, 2), dt)), lit(1.5, dt), low=(1, 0), high=(1, 1), interior=(3, 1)))
        f.case(f'concatenate_{dt}', lambda p, rng: [
            p('concatenate', p.arg(uniform(rng, -1, 1, (2, 3), dt)), p.arg(uniform(rng, -1, 1, (2, 0), dt)),
              p.arg(uniform(rng, -1, 1, (2, 1), dt)), dimension=1),
            p('concatenate', p.arg(uniform(rng, -1, 1, (1, 2), dt)), p.arg(uniform(rng, -1, 1, (3, 2), dt)), dimension=0),
            p('concatenate', p.arg(uniform(rng, -1, 1, (4,), dt)), dimension=0)])
    f.case('shaping_i32_and_bool', lambda p, rng: [
        p('transpose', p.arg(ints(rng, -9, 9, (2, 3))), permutation=(1, 0)),
        p('broadcast_in_dim', p.arg(arr([True, False], 'bool')), shape=(2, 3), dims=(0,)),
        p('pad', p.arg(ints(rng, -9, 9, (2,), 'i64')), lit(-1, 'i64'), low=(1,), high=(0,), interior=(1,)),
        p('concatenate', p.arg(arr([True], 'bool')), p.arg(arr([False, True], 'bool')), dimension=0),
        p('slice', p.arg(ints(rng, -9, 9, (6,))), start=(1,), limit=(6,), strides=(2,))])
    return f


def design_example(p, rng, dt):
    """DESIGN.md §2's example program."""
    a, b = p.arg(uniform(rng, -1, 1, (3, 4), dt)), p.arg(uniform(rng, -1, 1, (4,), dt))
    return p('reduce_sum', p('add', a, p('broadcast_in_dim', b, shape=(3, 4), dims=(1,))), axes=(0, 1))


# ---- reductions, scans, contraction, sorting ----

def reduction_cases():
    f = GoldenFile('reductions.golden', 'reduce_sum/max/min/prod, argmax, argmin, cumsum, dot_general, sort.')
    # Products of magnitudes near 1 stay moderate.
    ranges = {'reduce_sum': (0, 5), 'reduce_max': (0, 5), 'reduce_min': (0, 5), 'reduce_prod': (0.5, 1.5)}
    for name, (lo, hi) in ranges.items():
        for dt in FLOATS:
            f.case(f'{name}_{dt}', lambda p, rng: [
                p(name, x, axes=axes) for x in [p.arg(away_from_zero(rng, lo, hi, (2, 3, 4), dt))]
                for axes in [(1,), (0, 2), (0, 1, 2), ()]])
            f.case(f'{name}_{dt}_long_axis', lambda p, rng: p(name, p.arg(away_from_zero(rng, lo, hi, (3, 100), dt)), axes=(1,)))
            f.case(f'{name}_{dt}_empty_axes', lambda p, rng: [
                p(name, p.arg(uniform(rng, lo, hi, (3, 0), dt)), axes=(1,)),
                p(name, p.arg(uniform(rng, lo, hi, (0, 2), dt)), axes=(0, 1)),
                p(name, p.arg(uniform(rng, lo, hi, (0, 2), dt)), axes=(1,))])
            f.case(f'{name}_{dt}_special', lambda p, rng: p(
                name, p.arg(arr([[1.0, NAN, 2.0], [INF, 1.0, -2.0], [-INF, 3.0, -0.0]], dt)), axes=(1,)))
        for dt in ('i32', 'i64'):
            f.case(f'{name}_{dt}', lambda p, rng: [
                p(name, x, axes=axes) for x in [p.arg(ints(rng, -9, 9, (2, 3, 4), dt))] for axes in [(1,), (0, 2), ()]])
            f.case(f'{name}_{dt}_empty_axes', lambda p, rng: p(name, p.arg(ints(rng, -9, 9, (0, 3), dt)), axes=(0,)))
    for name in ('argmax', 'argmin'):
        for dt in FLOATS + ('i32',):
            # Few distinct values, so ties (first index wins) are common.
            f.case(f'{name}_{dt}', lambda p, rng: [
                p(name, x, axis=axis, index_dtype='i32') for x in [p.arg(arr(rng.integers(-3, 3, (4, 5)), dt))] for axis in (0, 1)])
        for dt in FLOATS:
            f.case(f'{name}_{dt}_special', lambda p, rng: p(name, p.arg(arr(
                [[1.0, NAN, 2.0, NAN], [INF, 1.0, INF, -INF], [-INF, -INF, -0.0, 0.0], [NAN, 5.0, -5.0, 1.0]], dt)),
                axis=1, index_dtype='i64'))
            f.case(f'{name}_{dt}_odd_shapes', lambda p, rng: [
                p(name, p.arg(uniform(rng, -1, 1, (1, 3), dt)), axis=0, index_dtype='i32'),
                p(name, p.arg(uniform(rng, -1, 1, (0, 3), dt)), axis=1, index_dtype='i32'),
                p(name, p.arg(uniform(rng, -1, 1, (7,), dt)), axis=0, index_dtype='i64')])
        # Neighbouring integers beyond 2^53 that a double cannot tell apart.
        f.case(f'{name}_i64_beyond_2_53', lambda p, rng: p(
            name, p.arg(arr([2**53, 2**53 + 1, 2**53 - 1, 2**53 + 1], 'i64')), axis=0, index_dtype='i32'))
    for dt in FLOATS + ('i32', 'i64'):
        x = (lambda rng, shape: uniform(rng, -5, 5, shape, dt)) if dt in FLOATS else (lambda rng, shape: ints(rng, -9, 9, shape, dt))
        f.case(f'cumsum_{dt}', lambda p, rng: [
            p('cumsum', a, axis=axis, reverse=reverse) for a in [p.arg(x(rng, (3, 4)))] for axis in (0, 1) for reverse in (False, True)])
        f.case(f'cumsum_{dt}_odd_shapes', lambda p, rng: [
            p('cumsum', p.arg(x(rng, (0, 3))), axis=1, reverse=False),
            p('cumsum', p.arg(x(rng, (3, 0))), axis=1, reverse=True),
            p('cumsum', p.arg(x(rng, (1,))), axis=0, reverse=False),
            p('cumsum', p.arg(x(rng, (50,))), axis=0, reverse=True)])
    dot_cases(f)
    sort_cases(f)
    return f


def dot(p, a, b, lc, rc, lb=(), rb=()):
    return p('dot_general', a, b, lhs_contract=lc, rhs_contract=rc, lhs_batch=lb, rhs_batch=rb)


def dot_cases(f):
    for dt in FLOATS:
        u = lambda rng, *shape: uniform(rng, -2, 2, shape, dt)
        f.case(f'dot_general_{dt}_matmul', lambda p, rng: dot(p, p.arg(u(rng, 3, 4)), p.arg(u(rng, 4, 5)), (1,), (0,)))
        f.case(f'dot_general_{dt}_batched', lambda p, rng: dot(
            p, p.arg(u(rng, 2, 3, 4)), p.arg(u(rng, 2, 4, 5)), (2,), (1,), (0,), (0,)))
        # Batch axes not in front and in different positions; contracting on two axes.
        f.case(f'dot_general_{dt}_batch_and_contract_anywhere', lambda p, rng: dot(
            p, p.arg(u(rng, 3, 2, 4, 5)), p.arg(u(rng, 5, 6, 2, 3)), (0, 3), (3, 0), (1,), (2,)))
        f.case(f'dot_general_{dt}_transposed_lhs', lambda p, rng: dot(p, p.arg(u(rng, 4, 3)), p.arg(u(rng, 4, 2)), (0,), (0,)))
        f.case(f'dot_general_{dt}_vector_and_outer', lambda p, rng: [
            dot(p, a, b, (0,), (0,)) for a, b in [(p.arg(u(rng, 5)), p.arg(u(rng, 5)))]] + [
            dot(p, p.arg(u(rng, 3)), p.arg(u(rng, 2, 1)), (), ())])
        f.case(f'dot_general_{dt}_long_contraction', lambda p, rng: dot(p, p.arg(u(rng, 2, 200)), p.arg(u(rng, 200, 2)), (1,), (0,)))
        f.case(f'dot_general_{dt}_size_zero', lambda p, rng: [
            dot(p, p.arg(u(rng, 2, 0)), p.arg(u(rng, 0, 3)), (1,), (0,)),
            dot(p, p.arg(u(rng, 0, 4)), p.arg(u(rng, 4, 3)), (1,), (0,))])
    for dt in ('i32', 'i64'):
        f.case(f'dot_general_{dt}', lambda p, rng: dot(
            p, p.arg(ints(rng, -9, 9, (2, 3, 4), dt)), p.arg(ints(rng, -9, 9, (4, 2, 5), dt)), (2,), (0,), (0,), (1,)))


def sort_cases(f):
    for dt in FLOATS:
        f.case(f'sort_{dt}_special', lambda p, rng: p('sort', p.arg(arr(
            [3.0, NAN, -0.0, 1.0, -INF, 0.0, INF, NAN, -1.0, 1.0, -0.0], dt)), dimension=0, num_keys=1))
        f.case(f'sort_{dt}_2d', lambda p, rng: [
            p('sort', x, dimension=d, num_keys=1) for x in [p.arg(uniform(rng, -5, 5, (4, 5), dt))] for d in (0, 1)])
        # A payload operand shows stability: equal keys (including -0.0 and 0.0) keep their order.
        f.case(f'sort_{dt}_stable_with_payload', lambda p, rng: p(
            'sort', p.arg(arr([1.0, 0.0, 1.0, -0.0, NAN, 0.0, -1.0, NAN, 1.0], dt)), p('iota', shape=(9,), dimension=0, dtype='i32'),
            dimension=0, num_keys=1))
        f.case(f'sort_{dt}_two_keys', lambda p, rng: p(
            'sort', p.arg(ints(rng, 0, 2, (3, 8))), p.arg(arr(rng.integers(-2, 3, (3, 8)), dt)),
            p('iota', shape=(3, 8), dimension=1, dtype=dt), dimension=1, num_keys=2))
        f.case(f'sort_{dt}_odd_shapes', lambda p, rng: [
            p('sort', p.arg(uniform(rng, -1, 1, (0, 3), dt)), dimension=1, num_keys=1),
            p('sort', p.arg(uniform(rng, -1, 1, (3, 1), dt)), dimension=1, num_keys=1)])
    for dt in ('i32', 'i64'):
        f.case(f'sort_{dt}', lambda p, rng: p('sort', p.arg(ints(rng, -5, 5, (2, 9), dt)), dimension=1, num_keys=1))
    f.case('sort_bool_key', lambda p, rng: p(
        'sort', p.arg(arr([True, False, True, False], 'bool')), p.arg(arr([1, 2, 3, 4], 'i32')), dimension=0, num_keys=1))


# ---- indexing ----

def indexing_cases():
    f = GoldenFile('indexing.golden', 'dynamic_slice, dynamic_update_slice, gather, scatter_add (indices clamped).')
    for dt in FLOATS + ('i32',):
        x = (lambda rng, *shape: uniform(rng, -5, 5, shape, dt)) if dt in FLOATS else (lambda rng, *shape: ints(rng, -9, 9, shape, dt))
        i32 = lambda v: arr(v, 'i32')
        f.case(f'dynamic_slice_{dt}', lambda p, rng: [
            p('dynamic_slice', a, p.arg(i32(1)), p.arg(i32(2)), sizes=(2, 3)) for a in [p.arg(x(rng, 4, 6))]])
        f.case(f'dynamic_slice_{dt}_clamped', lambda p, rng: [
            p('dynamic_slice', a, lit(-3, 'i32'), lit(9, 'i32'), sizes=(2, 3)) for a in [p.arg(x(rng, 4, 6))]] + [
            p('dynamic_slice', p.arg(x(rng, 5)), p.arg(arr(4, 'i64')), sizes=(3,)),
            p('dynamic_slice', p.arg(x(rng, 3)), lit(2, 'i32'), sizes=(0,)),
            p('dynamic_slice', p.arg(x(rng, 3)), lit(-1, 'i32'), sizes=(3,))])
        f.case(f'dynamic_update_slice_{dt}', lambda p, rng: [
            p('dynamic_update_slice', a, p.arg(x(rng, 2, 3)), p.arg(i32(1)), p.arg(i32(2))) for a in [p.arg(x(rng, 4, 6))]])
        f.case(f'dynamic_update_slice_{dt}_clamped', lambda p, rng: [
            p('dynamic_update_slice', p.arg(x(rng, 4, 6)), p.arg(x(rng, 2, 3)), lit(5, 'i32'), lit(-2, 'i32')),
            p('dynamic_update_slice', p.arg(x(rng, 5)), p.arg(x(rng, 5)), p.arg(arr(3, 'i64'))),
            p('dynamic_update_slice', p.arg(x(rng, 3, 2)), p.arg(x(rng, 0, 2)), lit(1, 'i32'), lit(0, 'i32'))])
        f.case(f'gather_{dt}', lambda p, rng: [
            p('gather', a, p.arg(ints(rng, 0, 3, (3, 6))), axis=1) for a in [p.arg(x(rng, 3, 4))]] + [
            p('gather', p.arg(x(rng, 5, 2)), p.arg(ints(rng, 0, 4, (3, 2), 'i64')), axis=0)])
        f.case(f'gather_{dt}_clamped_and_odd_shapes', lambda p, rng: [
            p('gather', p.arg(x(rng, 2, 4)), p.arg(i32([[-3, 10, 3], [4, -1, 0]])), axis=1),
            p('gather', p.arg(x(rng, 2, 4)), p.arg(np.zeros((2, 0), np.int32)), axis=1),
            p('gather', p.arg(x(rng, 0, 4)), p.arg(np.zeros((0, 2), np.int32)), axis=1),
            p('gather', p.arg(x(rng, 1)), p.arg(i32([0, 0, 5])), axis=0)])
        # Repeated indices accumulate.
        f.case(f'scatter_add_{dt}', lambda p, rng: [
            p('scatter_add', a, p.arg(ints(rng, 0, 3, (3, 6))), p.arg(x(rng, 3, 6)), axis=1) for a in [p.arg(x(rng, 3, 4))]] + [
            p('scatter_add', p.arg(x(rng, 4, 2)), p.arg(ints(rng, 0, 3, (5, 2), 'i64')), p.arg(x(rng, 5, 2)), axis=0)])
        f.case(f'scatter_add_{dt}_clamped_and_odd_shapes', lambda p, rng: [
            p('scatter_add', p.arg(x(rng, 2, 3)), p.arg(i32([[-1, 7, 1, 1], [5, 0, -9, 2]])), p.arg(x(rng, 2, 4)), axis=1),
            p('scatter_add', p.arg(x(rng, 2, 3)), p.arg(np.zeros((2, 0), np.int32)), p.arg(x(rng, 2, 0)), axis=1),
            p('scatter_add', p.arg(x(rng, 1)), p.arg(i32([0, 3, 0])), p.arg(x(rng, 3)), axis=0)])
    return f


def main():
    folder = pathlib.Path(__file__).resolve().parent
    for old in folder.glob('*.golden'):
        old.unlink()
    for f in (elementwise_cases(), shaping_cases(), reduction_cases(), indexing_cases()):
        f.write(folder)
        print(f'{f.name}: {len(f.cases)} cases')


if __name__ == '__main__':
    main()
