package sql

// specialExpr prints the special-syntax expression forms.
func (p *printer) specialExpr(e Expr) {
	switch e := e.(type) {
	case *TimeUnitExpr:
		p.WriteString(string(e.Unit))
	case *ExtractExpr:
		p.WriteString("EXTRACT(" + string(e.Unit) + " FROM ")
		p.expr(e.X, 0)
		p.WriteByte(')')
	case *FloorCeilExpr:
		if e.Ceil {
			p.WriteString("CEIL(")
		} else {
			p.WriteString("FLOOR(")
		}
		p.expr(e.X, 0)
		p.WriteString(" TO " + string(e.Unit) + ")")
	case *TrimExpr:
		p.WriteString("TRIM(")
		if e.Mode != "" || e.Chars != nil {
			if e.Mode != "" {
				p.WriteString(e.Mode + " ")
			}
			if e.Chars != nil {
				p.expr(e.Chars, 0)
				p.WriteByte(' ')
			}
			p.WriteString("FROM ")
		}
		p.expr(e.X, 0)
		p.WriteByte(')')
	case *PositionExpr:
		p.WriteString("POSITION(")
		p.expr(e.Sub, precAdd)
		p.WriteString(" IN ")
		p.expr(e.X, 0)
		p.WriteByte(')')
	case *OverlayExpr:
		p.WriteString("OVERLAY(")
		p.expr(e.X, 0)
		p.WriteString(" PLACING ")
		p.expr(e.Placing, 0)
		p.WriteString(" FROM ")
		p.expr(e.From, 0)
		if e.For != nil {
			p.WriteString(" FOR ")
			p.expr(e.For, 0)
		}
		p.WriteByte(')')
	case *JSONValueExpr:
		p.WriteString("JSON_VALUE(")
		p.expr(e.X, 0)
		p.WriteString(", ")
		p.expr(e.Path, 0)
		p.returning(e.Returning)
		p.jsonBehavior(e.OnEmpty, "EMPTY")
		p.jsonBehavior(e.OnError, "ERROR")
		p.WriteByte(')')
	case *JSONQueryExpr:
		p.WriteString("JSON_QUERY(")
		p.expr(e.X, 0)
		p.WriteString(", ")
		p.expr(e.Path, 0)
		p.returning(e.Returning)
		if e.Wrapper != "" {
			p.WriteString(" " + e.Wrapper + " WRAPPER")
		}
		p.jsonBehavior(e.OnEmpty, "EMPTY")
		p.jsonBehavior(e.OnError, "ERROR")
		p.WriteByte(')')
	case *JSONExistsExpr:
		p.WriteString("JSON_EXISTS(")
		p.expr(e.X, 0)
		p.WriteString(", ")
		p.expr(e.Path, 0)
		p.jsonBehavior(e.OnError, "ERROR")
		p.WriteByte(')')
	case *JSONObjectExpr:
		p.WriteString("JSON_OBJECT(")
		for i, kv := range e.Entries {
			if i > 0 {
				p.WriteString(", ")
			}
			p.WriteString("KEY ")
			p.expr(kv.Key, precAdd)
			p.WriteString(" VALUE ")
			p.expr(kv.Value, 0)
		}
		p.onNull(e.OnNull, len(e.Entries) > 0)
		p.WriteByte(')')
	case *JSONArrayExpr:
		p.WriteString("JSON_ARRAY(")
		p.exprList(e.Elems)
		p.onNull(e.OnNull, len(e.Elems) > 0)
		p.WriteByte(')')
	case *ArrayCtor:
		p.WriteString("ARRAY[")
		p.exprList(e.Elems)
		p.WriteByte(']')
	case *MapCtor:
		p.WriteString("MAP[")
		p.exprList(e.Elems)
		p.WriteByte(']')
	case *RowCtor:
		if e.Explicit || len(e.Elems) < 2 {
			p.WriteString("ROW")
		}
		p.WriteByte('(')
		p.exprList(e.Elems)
		p.WriteByte(')')
	case *IndexExpr:
		p.postfixBase(e.X)
		p.WriteByte('[')
		p.expr(e.Index, 0)
		p.WriteByte(']')
	case *FieldExpr:
		p.postfixBase(e.X)
		p.WriteByte('.')
		p.ident(e.Field)
	case *DescriptorExpr:
		p.WriteString("DESCRIPTOR")
		p.identList(e.Columns)
	case *TableArg:
		p.WriteString("TABLE ")
		p.name(e.Name.Parts)
		if len(e.PartitionBy) > 0 {
			p.WriteString(" PARTITION BY (")
			p.exprList(e.PartitionBy)
			p.WriteByte(')')
		}
	case *NamedArg:
		p.ident(e.Name.Name)
		p.WriteString(" => ")
		p.expr(e.Value, 0)
	case *GroupingSets:
		p.WriteString("GROUPING SETS (")
		p.exprList(e.Sets)
		p.WriteByte(')')
	case *Rollup:
		p.WriteString("ROLLUP(")
		p.exprList(e.Exprs)
		p.WriteByte(')')
	case *Cube:
		p.WriteString("CUBE(")
		p.exprList(e.Exprs)
		p.WriteByte(')')
	case *GroupingSet:
		p.WriteByte('(')
		p.exprList(e.Exprs)
		p.WriteByte(')')
	default:
		p.WriteString("<?>")
	}
}

// postfixBase prints the operand of x[i] / x.f, parenthesised when it would
// not otherwise bind (or, for numbers, would lex differently).
func (p *printer) postfixBase(x Expr) {
	switch x.(type) {
	case *NumberLit, *Star:
		p.WriteByte('(')
		p.expr(x, 0)
		p.WriteByte(')')
		return
	}
	p.expr(x, precPrimary)
}

func (p *printer) returning(t *DataType) {
	if t != nil {
		p.WriteString(" RETURNING ")
		p.dataType(t)
	}
}

func (p *printer) jsonBehavior(b *JSONBehavior, on string) {
	if b == nil {
		return
	}
	p.WriteString(" " + b.Kind)
	if b.Kind == "DEFAULT" {
		p.WriteByte(' ')
		p.expr(b.Default, 0)
	}
	p.WriteString(" ON " + on)
}

func (p *printer) onNull(onNull string, space bool) {
	if onNull == "" {
		return
	}
	if space {
		p.WriteByte(' ')
	}
	p.WriteString(onNull + " ON NULL")
}

// dataType prints a data type.
func (p *printer) dataType(t *DataType) {
	switch t.Name {
	case "ARRAY", "MULTISET":
		p.WriteString(t.Name + "<")
		p.dataType(t.Elem)
		p.WriteByte('>')
	case "MAP":
		p.WriteString("MAP<")
		p.dataType(t.Key)
		p.WriteString(", ")
		p.dataType(t.Value)
		p.WriteByte('>')
	case "ROW":
		if len(t.Fields) == 0 {
			p.WriteString("ROW()")
			break
		}
		p.WriteString("ROW<")
		for i, f := range t.Fields {
			if i > 0 {
				p.WriteString(", ")
			}
			p.ident(f.Name)
			p.WriteByte(' ')
			p.dataType(f.Type)
			if f.Comment != nil {
				p.WriteString(" COMMENT ")
				p.str(f.Comment.Value)
			}
		}
		p.WriteByte('>')
	case "INTERVAL":
		p.WriteString("INTERVAL ")
		if t.Interval != nil {
			p.intervalQualifier(t.Interval)
		}
	case "RAW":
		p.WriteString("RAW(")
		for i, a := range t.RawArgs {
			if i > 0 {
				p.WriteString(", ")
			}
			p.str(a)
		}
		p.WriteByte(')')
	default:
		name := t.Name
		if t.WithLocalTZ {
			name = "TIMESTAMP_LTZ"
		}
		p.WriteString(name)
		if len(t.Params) > 0 {
			p.WriteByte('(')
			for i, n := range t.Params {
				if i > 0 {
					p.WriteString(", ")
				}
				p.WriteString(itoa(n))
			}
			p.WriteByte(')')
		}
	}
	if t.NotNull {
		p.WriteString(" NOT NULL")
	}
}
