package org.nabla4j.ir;

/** An equation operand: a variable of the program or a scalar literal. */
public sealed interface Atom permits Var, Literal {}
