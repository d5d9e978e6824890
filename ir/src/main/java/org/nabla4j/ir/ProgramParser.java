package org.nabla4j.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nabla4j.DType;

/**
 * Reads the text form printed by {@link Program#toString()}. Result types written in the text are
 * checked against the primitives' shape rules, so a parsed program is well typed.
 */
public final class ProgramParser {
    private final List<String> tokens;
    private int pos;
    private final Map<String, Var> scope = new HashMap<>();
    private final ProgramBuilder builder = new ProgramBuilder();

    private ProgramParser(String text) {
        this(tokenize(text), 0);
    }

    private ProgramParser(List<String> tokens, int pos) {
        this.tokens = tokens;
        this.pos = pos;
    }

    /** Parses one program; throws {@link IllegalArgumentException} with the position on bad text. */
    public static Program parse(String text) {
        return new ProgramParser(text).program();
    }

    private Program program() {
        Program p = programBody();
        if (pos != tokens.size()) throw error("trailing text");
        return p;
    }

    /** A nested program (a control-flow parameter): its own scope, the same token stream. */
    private Program nestedProgram() {
        ProgramParser inner = new ProgramParser(tokens, pos);
        Program p = inner.programBody();
        pos = inner.pos;
        return p;
    }

    private Program programBody() {
        expect("{");
        expect("lambda");
        while (!peek().equals(";")) declare(true);
        expect(";");
        while (!peek().equals(".")) declare(false);
        expect(".");
        expect("let");
        while (!(peek().equals("in") && peek(1).equals("("))) equation();
        expect("in");
        expect("(");
        List<Atom> outs = new ArrayList<>();
        while (!peek().equals(")")) {
            outs.add(atom());
            if (peek().equals(",")) next();
        }
        expect(")");
        expect("}");
        return builder.build(outs);
    }

    private void declare(boolean isConst) {
        String name = name();
        expect(":");
        AbstractArray t = type();
        Var v = isConst ? builder.constVar(t) : builder.input(t);
        define(name, v);
    }

    private void equation() {
        List<String> names = new ArrayList<>();
        List<AbstractArray> declared = new ArrayList<>();
        while (!peek().equals("=")) {
            names.add(name());
            expect(":");
            declared.add(type());
        }
        expect("=");
        Primitive prim;
        try {
            prim = Primitive.byName(next());
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
        Params params = peek().equals("[") ? params() : Params.EMPTY;
        List<Atom> operands = new ArrayList<>();
        while (!atEquationEnd()) operands.add(atom());
        List<Var> results = builder.add(prim, params, operands);
        if (results.size() != names.size()) {
            throw error(prim + " has " + results.size() + " results, text declares " + names.size());
        }
        for (int i = 0; i < results.size(); i++) {
            AbstractArray inferred = builder.type(results.get(i));
            if (!inferred.equals(declared.get(i))) {
                throw error(names.get(i) + " is declared " + declared.get(i) + " but " + prim + " gives " + inferred);
            }
            define(names.get(i), results.get(i));
        }
    }

    /** The operands end where the next equation (name ':' dtype '[') or the 'in (' begins. */
    private boolean atEquationEnd() {
        String t = peek();
        if (t.equals("}")) return true;
        if (t.equals("in") && peek(1).equals("(")) return true;
        return isName(t) && peek(1).equals(":") && peek(3).equals("[");
    }

    private Params params() {
        expect("[");
        List<Object> kv = new ArrayList<>();
        while (!peek().equals("]")) {
            kv.add(name());
            expect("=");
            kv.add(paramValue());
        }
        expect("]");
        return Params.of(kv.toArray());
    }

    private Object paramValue() {
        if (peek().equals("{")) return nestedProgram();
        String t = next();
        if (t.equals("(")) {
            List<Object> l = new ArrayList<>();
            while (!peek().equals(")")) {
                l.add(peek().equals("{") ? nestedProgram() : parseInt(next()));
                if (peek().equals(",")) next();
            }
            expect(")");
            return l;
        }
        if (t.equals("true") || t.equals("false")) return Boolean.parseBoolean(t);
        if (t.equals("nan") || t.equals("inf")) return parseDouble(t);
        if (isName(t)) {
            try {
                return DType.parse(t);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        }
        if (t.contains(".") || t.contains("E") || t.contains("e") || t.contains("inf")) return parseDouble(t);
        return parseInt(t);
    }

    private Atom atom() {
        String t = next();
        if (peek().equals(":")) {
            next();
            DType dt = dtype(next());
            Object v = switch (t) {
                case "true", "false" -> Boolean.parseBoolean(t);
                default -> dt.isFloating() ? (Object) parseDouble(t) : (Object) parseLong(t);
            };
            return new Literal(v, dt);
        }
        Var v = scope.get(t);
        if (v == null) throw error("undefined variable '" + t + "'");
        return v;
    }

    private AbstractArray type() {
        DType dt = dtype(next());
        expect("[");
        List<Integer> dims = new ArrayList<>();
        while (!peek().equals("]")) {
            dims.add(parseInt(next()));
            if (peek().equals(",")) next();
        }
        expect("]");
        return new AbstractArray(dt, Shape.of(dims));
    }

    private DType dtype(String t) {
        try {
            return DType.parse(t);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    private void define(String name, Var v) {
        if (scope.put(name, v) != null) throw error("variable '" + name + "' is defined twice");
    }

    private String name() {
        String t = next();
        if (!isName(t)) throw error("expected a name, got '" + t + "'");
        return t;
    }

    private static boolean isName(String t) {
        return !t.isEmpty() && Character.isLetter(t.charAt(0));
    }

    private int parseInt(String t) {
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw error("expected an integer, got '" + t + "'");
        }
    }

    private long parseLong(String t) {
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw error("expected an integer literal, got '" + t + "'");
        }
    }

    private double parseDouble(String t) {
        return switch (t) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw error("expected a number, got '" + t + "'");
                }
            }
        };
    }

    private String peek() { return peek(0); }

    private String peek(int ahead) { return pos + ahead < tokens.size() ? tokens.get(pos + ahead) : ""; }

    private String next() {
        if (pos >= tokens.size()) throw error("unexpected end of text");
        return tokens.get(pos++);
    }

    private void expect(String t) {
        String got = next();
        if (!got.equals(t)) {
            pos--;
            throw error("expected '" + t + "', got '" + got + "'");
        }
    }

    private IllegalArgumentException error(String msg) {
        return new IllegalArgumentException("IR parse error at token " + pos + " ('" + peek() + "'): " + msg);
    }

    private static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                out.add(s.substring(i, j));
                i = j;
            } else if (Character.isDigit(c) || (c == '-' && i + 1 < s.length()
                    && (Character.isDigit(s.charAt(i + 1)) || s.startsWith("inf", i + 1)))) {
                int j = i + 1;
                if (s.startsWith("inf", j)) {
                    j += 3;
                } else {
                    while (j < s.length() && isNumberChar(s, j)) j++;
                }
                out.add(s.substring(i, j));
                i = j;
            } else {
                out.add(String.valueOf(c));
                i++;
            }
        }
        return out;
    }

    /** Digits, a decimal point followed by a digit, or an exponent with optional sign. */
    private static boolean isNumberChar(String s, int j) {
        char c = s.charAt(j);
        if (Character.isDigit(c)) return true;
        if (c == '.') return j + 1 < s.length() && Character.isDigit(s.charAt(j + 1));
        if (c == 'E' || c == 'e') return true;
        return (c == '-' || c == '+') && (s.charAt(j - 1) == 'E' || s.charAt(j - 1) == 'e');
    }
}
