package sql

import (
	"strconv"
	"strings"
)

// Format prints a node as canonical Flink SQL: keywords upper case,
// identifiers backtick-quoted, minimal parentheses, FETCH FIRST printed as
// LIMIT. Parsing the output and formatting again yields the same text.
// Statements are printed without a trailing ';'.
func Format(n Node) string {
	var p printer
	p.node(n)
	return p.String()
}

// printer accumulates formatted SQL.
type printer struct {
	strings.Builder
	// inExplain is set while printing the statement of an EXPLAIN.
	inExplain bool
}

func (p *printer) node(n Node) {
	switch n := n.(type) {
	case nil:
	case Stmt:
		p.stmt(n)
	case Expr:
		p.expr(n, 0)
	case QueryBody:
		p.body(n)
	case TableExpr:
		p.table(n)
	case *DataType:
		p.dataType(n)
	case *ObjectName:
		p.name(n.Parts)
	case *Ident:
		p.ident(n.Name)
	case *Option:
		p.option(n)
	case *Hint:
		p.hints([]*Hint{n})
	case *ColumnDef:
		p.column(n)
	case *WatermarkDef:
		p.watermark(n)
	case *PrimaryKey:
		p.primaryKey(n, true)
	case *CTE:
		p.cte(n)
	case *SelectItem:
		p.selectItem(n)
	case *OrderItem:
		p.orderItems([]*OrderItem{n})
	case *WindowSpec:
		p.windowSpec(n)
	case *WindowFrame:
		p.frame(n)
	case *TableAlias:
		p.alias(n)
	case *When:
		p.WriteString("WHEN ")
		p.expr(n.Cond, 0)
		p.WriteString(" THEN ")
		p.expr(n.Result, 0)
	default:
		p.WriteString("<?>")
	}
}

// quoteIdent quotes a name with backticks, doubling embedded backticks.
func quoteIdent(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "``") + "`"
}

// QuoteString writes s as a SQL string literal, doubling embedded quotes,
// so generated SQL (Format, SHOW CREATE TABLE) parses back to s.
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func (p *printer) ident(s string) { p.WriteString(quoteIdent(s)) }

func (p *printer) name(parts []string) {
	for i, s := range parts {
		if i > 0 {
			p.WriteByte('.')
		}
		p.ident(s)
	}
}

func (p *printer) identList(ids []*Ident) {
	p.WriteByte('(')
	for i, id := range ids {
		if i > 0 {
			p.WriteString(", ")
		}
		p.ident(id.Name)
	}
	p.WriteByte(')')
}

func (p *printer) str(s string) { p.WriteString(QuoteString(s)) }

func (p *printer) option(o *Option) {
	p.str(o.Key)
	p.WriteString(" = ")
	p.str(o.Value)
}

// options prints a WITH-style option list, one per line.
func (p *printer) options(opts []*Option) {
	p.WriteString("(")
	for i, o := range opts {
		if i > 0 {
			p.WriteByte(',')
		}
		p.WriteString("\n  ")
		p.option(o)
	}
	if len(opts) > 0 {
		p.WriteByte('\n')
	}
	p.WriteString(")")
}

func (p *printer) hints(hs []*Hint) {
	p.WriteString("/*+ ")
	for i, h := range hs {
		if i > 0 {
			p.WriteString(", ")
		}
		if isPlainWord(h.Name) {
			p.WriteString(h.Name)
		} else {
			p.ident(h.Name)
		}
		if len(h.Options) == 0 && len(h.Args) == 0 {
			continue
		}
		p.WriteByte('(')
		n := 0
		for _, o := range h.Options {
			if n > 0 {
				p.WriteString(", ")
			}
			n++
			p.option(o)
		}
		for _, a := range h.Args {
			if n > 0 {
				p.WriteString(", ")
			}
			n++
			if isPlainName(a) {
				p.WriteString(a)
			} else {
				p.str(a)
			}
		}
		p.WriteByte(')')
	}
	p.WriteString(" */")
}

// isPlainWord reports whether s lexes as one unquoted identifier.
func isPlainWord(s string) bool {
	if s == "" || !isIdentStart(s[0]) || s[0] >= 0x80 {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentPart(s[i]) || s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// isPlainName reports whether s is a dotted sequence of plain words.
func isPlainName(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if !isPlainWord(part) {
			return false
		}
	}
	return true
}

func itoa(n int) string { return strconv.Itoa(n) }
