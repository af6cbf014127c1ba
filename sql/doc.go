// Package sql is Spry's front end for the Flink SQL dialect: a hand-written
// lexer and recursive-descent parser that turn SQL text into a syntax tree
// (AST) with a source position on every node, and a formatter that prints any
// node back as canonical SQL.
//
// The package is syntax only. It knows nothing about catalogs or runtime
// types; the binder (package plan) resolves names and converts *DataType
// nodes to runtime types.
//
// Entry points:
//
//   - Parse parses a script of ';'-separated statements.
//   - ParseOne parses exactly one statement.
//   - ParseExpr parses a scalar expression (used by the Table APIs for
//     string expressions such as "a + 1").
//   - SplitStatements splits a script at top-level ';' without parsing it,
//     respecting strings, comments and STATEMENT SET blocks (used by the
//     interactive client).
//   - Format prints a node back to SQL with backtick-quoted identifiers;
//     parsing the output again yields the same output.
//
// Errors are *Error values with a position, the offending token, the expected
// alternatives and, for misspelled keywords, a suggestion; Error.Pretty
// renders the source line with a caret under the error.
//
// Identifiers keep their original spelling (Flink is case-sensitive for
// identifiers); keywords are case-insensitive.
package sql
