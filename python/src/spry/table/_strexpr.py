"""The 1.9/1.10 string expressions (``select("a + 1, b")``) translated to Expressions.

PyFlink up to 1.11 passed these strings to Java's ExpressionParser; Spry
parses the same small language here: operators (``+ - * / %``, ``===``
``==`` ``=`` ``!==`` ``!=`` ``<>`` ``< <= > >=``, ``&&`` ``||`` ``!``),
literals (``1``, ``1.5``, ``'x'``, ``"x"``, ``true``, ``null``, ``1.hours``),
function calls (``count(1)``), postfix calls in Java camelCase
(``user_id.count.distinct``, ``name.upperCase()``, ``w.start``), ``over w``
and ``as`` aliases.
"""

import re

from spry.table.expression import Expression, quote, sql_literal

__all__ = ["parse_list", "parse_one", "ExpressionParseError"]


class ExpressionParseError(ValueError):
    """A string expression that does not parse; says where."""


_TOK = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*'|"(?:[^"\\]|\\.)*")
  | (?P<num>\d+\.\d+(?![A-Za-z_])|\d+[Ll]?)
  | (?P<id>`(?:[^`]|``)*`|[A-Za-z_$][A-Za-z_0-9$]*)
  | (?P<op>===|!==|==|!=|<>|>=|<=|&&|\|\||[-+*/%<>=!(),.])
)""", re.X)

_UPPER_FUNCS = {"count", "sum", "avg", "min", "max", "concat", "upper", "lower", "abs", "coalesce",
                "substring", "trim", "cast", "if", "collect", "listagg", "stddev_pop", "stddev_samp",
                "var_pop", "var_samp", "sum0", "first_value", "last_value"}

_CONSTS = {"UNBOUNDED_ROW", "UNBOUNDED_RANGE", "CURRENT_ROW", "CURRENT_RANGE"}


def _snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


class _Parser(object):
    def __init__(self, text):
        self.text = text
        self.toks = []
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = _TOK.match(text, pos)
            if not m or m.end() == pos:
                raise ExpressionParseError("cannot parse expression %r at position %d: unexpected %r"
                                           % (self.text, pos, text[pos:pos + 10]))
            kind = m.lastgroup
            self.toks.append((kind, m.group(kind), m.start(kind)))
            pos = m.end()
        self.i = 0

    def peek(self, k=0):
        """Parser step ``peek`` of the expression grammar."""
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else (None, None, len(self.text))

    def is_op(self, *ops):
        """Whether op."""
        kind, v, _ = self.peek()
        return kind == "op" and v in ops

    def is_kw(self, *kws):
        """Whether kw."""
        kind, v, _ = self.peek()
        return kind == "id" and v.lower() in kws

    def take(self):
        """Parser step ``take`` of the expression grammar."""
        t = self.peek()
        self.i += 1
        return t

    def expect(self, op):
        """Parser step ``expect`` of the expression grammar."""
        kind, v, p = self.take()
        if kind != "op" or v != op:
            raise ExpressionParseError("cannot parse expression %r at position %d: expected %r, found %r"
                                       % (self.text, p, op, v))

    def done(self):
        """Whether the future is done (always)."""
        return self.i >= len(self.toks)

    def parse_list(self):
        """Parser step ``parse_list`` of the expression grammar."""
        out = [self.alias()]
        while self.is_op(","):
            self.take()
            out.append(self.alias())
        if not self.done():
            _, v, p = self.peek()
            raise ExpressionParseError("cannot parse expression %r at position %d: unexpected %r"
                                       % (self.text, p, v))
        return out

    def alias(self):
        """Names the window (``alias('w')``); it is referred to as ``w`` in group_by/select."""
        e = self.or_()
        if self.is_kw("as"):
            self.take()
            if self.is_op("("):
                self.take()
                names = [self.ident()]
                while self.is_op(","):
                    self.take()
                    names.append(self.ident())
                self.expect(")")
                return e.alias(*names)
            return e.alias(self.ident())
        return e

    def ident(self):
        """Parser step ``ident`` of the expression grammar."""
        kind, v, p = self.take()
        if kind != "id":
            raise ExpressionParseError("cannot parse expression %r at position %d: expected a name, found %r"
                                       % (self.text, p, v))
        return v[1:-1].replace("``", "`") if v.startswith("`") else v

    def or_(self):
        """Parser step ``or_`` of the expression grammar."""
        e = self.and_()
        while self.is_op("||") or self.is_kw("or"):
            self.take()
            e = e | self.and_()
        return e

    def and_(self):
        """Parser step ``and_`` of the expression grammar."""
        e = self.not_()
        while self.is_op("&&") or self.is_kw("and"):
            self.take()
            e = e & self.not_()
        return e

    def not_(self):
        """Parser step ``not_`` of the expression grammar."""
        if self.is_op("!") or self.is_kw("not"):
            self.take()
            return ~self.not_()
        return self.cmp()

    def cmp(self):
        """Parser step ``cmp`` of the expression grammar."""
        e = self.add()
        ops = {"===": "=", "==": "=", "=": "=", "!==": "<>", "!=": "<>", "<>": "<>",
               "<": "<", "<=": "<=", ">": ">", ">=": ">="}
        kind, v, _ = self.peek()
        if kind == "op" and v in ops:
            self.take()
            e = e._bin(ops[v], self.add())
        return e

    def add(self):
        """Parser step ``add`` of the expression grammar."""
        e = self.mul()
        while self.is_op("+", "-"):
            op = self.take()[1]
            e = e + self.mul() if op == "+" else e - self.mul()
        return e

    def mul(self):
        """Parser step ``mul`` of the expression grammar."""
        e = self.unary()
        while self.is_op("*", "/", "%"):
            op = self.take()[1]
            r = self.unary()
            e = e * r if op == "*" else (e / r if op == "/" else e % r)
        return e

    def unary(self):
        """Parser step ``unary`` of the expression grammar."""
        if self.is_op("-"):
            self.take()
            return -self.unary()
        if self.is_op("+"):
            self.take()
        return self.postfix()

    def args(self):
        """Parser step ``args`` of the expression grammar."""
        self.expect("(")
        out = []
        if not self.is_op(")"):
            out.append(self.alias())
            while self.is_op(","):
                self.take()
                out.append(self.alias())
        self.expect(")")
        return out

    def postfix(self):
        """Parser step ``postfix`` of the expression grammar."""
        e = self.atom()
        while True:
            if self.is_op("."):
                self.take()
                name = self.ident()
                args = self.args() if self.is_op("(") else None
                e = self.member(e, name, args)
            elif self.is_kw("over"):
                self.take()
                e = e.over(self.ident())
            else:
                return e

    def member(self, e, name, args):
        """Parser step ``member`` of the expression grammar."""
        if name == "rows":
            r = Expression(e.sql)
            r._rows = True
            return r
        snake = _snake(name)
        if snake in ("in",):
            snake = "in_"
        if snake == "cast" and args:
            return e.cast(args[0].sql.strip("`"))
        attr = getattr(Expression, snake, None)
        if isinstance(attr, property):
            v = getattr(e, snake)
            return v(*args) if args else v
        if attr is not None and callable(attr):
            return getattr(e, snake)(*(args or []))
        # Unknown: a function call with the receiver as first argument.
        return Expression("%s(%s)" % (name, ", ".join([e.sql] + [a.sql for a in args or []])))

    def atom(self):
        """Parser step ``atom`` of the expression grammar."""
        kind, v, p = self.take()
        if kind == "num":
            if v[-1] in "lL":
                return Expression("CAST(%s AS BIGINT)" % v[:-1])
            if "." in v:
                return Expression(v)
            return Expression(sql_literal(int(v)))
        if kind == "str":
            if v.startswith('"'):
                v = bytes(v[1:-1], "utf-8").decode("unicode_escape")
                return Expression(sql_literal(v))
            return Expression(v)
        if kind == "op" and v == "(":
            e = self.or_()
            self.expect(")")
            return e
        if kind == "op" and v == "*":
            return Expression("*", "*")
        if kind == "id":
            low = v.lower()
            if low in ("true", "false", "null"):
                return Expression(low.upper())
            if v in _CONSTS:
                return Expression(v)
            if self.is_op("("):
                args = self.args()
                fname = v.upper() if low in _UPPER_FUNCS else v
                return Expression("%s(%s)" % (fname, ", ".join(a.sql for a in args)),
                                  agg=(fname, ", ".join(a.sql for a in args)))
            name = v[1:-1].replace("``", "`") if v.startswith("`") else v
            return Expression(quote(name), name)
        raise ExpressionParseError("cannot parse expression %r at position %d: unexpected %r"
                                   % (self.text, p, v))


def parse_list(text):
    """Parses a comma-separated list of string expressions into Expressions."""
    return _Parser(text).parse_list()


def parse_one(text):
    """Parses one string expression."""
    out = parse_list(text)
    if len(out) != 1:
        raise ExpressionParseError("expected one expression, found %d in %r" % (len(out), text))
    return out[0]
