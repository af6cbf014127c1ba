package sql

func (p *printer) query(q *Query) {
	if len(q.With) > 0 {
		p.WriteString("WITH ")
		for i, c := range q.With {
			if i > 0 {
				p.WriteString(", ")
			}
			p.cte(c)
		}
		p.WriteByte(' ')
	}
	p.body(q.Body)
	if len(q.OrderBy) > 0 {
		p.WriteString(" ORDER BY ")
		p.orderItems(q.OrderBy)
	}
	if q.Limit != nil {
		p.WriteString(" LIMIT ")
		p.expr(q.Limit, precAdd)
	}
	if q.Offset != nil {
		p.WriteString(" OFFSET ")
		p.expr(q.Offset, precAdd)
		p.WriteString(" ROWS")
	}
}

func (p *printer) cte(c *CTE) {
	p.ident(c.Name.Name)
	if len(c.Columns) > 0 {
		p.WriteByte(' ')
		p.identList(c.Columns)
	}
	p.WriteString(" AS (")
	p.query(c.Query)
	p.WriteByte(')')
}

func (p *printer) body(b QueryBody) {
	switch b := b.(type) {
	case *Select:
		p.selectBlock(b)
	case *Values:
		p.WriteString("VALUES ")
		for i, row := range b.Rows {
			if i > 0 {
				p.WriteString(", ")
			}
			p.WriteByte('(')
			p.exprList(row)
			p.WriteByte(')')
		}
	case *SetOp:
		p.body(b.Left)
		p.WriteString(" " + b.Op.String() + " ")
		if b.All {
			p.WriteString("ALL ")
		}
		p.body(b.Right)
	case *Query:
		p.WriteByte('(')
		p.query(b)
		p.WriteByte(')')
	}
}

func (p *printer) selectBlock(s *Select) {
	p.WriteString("SELECT ")
	if len(s.Hints) > 0 {
		p.hints(s.Hints)
		p.WriteByte(' ')
	}
	if s.Distinct {
		p.WriteString("DISTINCT ")
	}
	for i, it := range s.Items {
		if i > 0 {
			p.WriteString(", ")
		}
		p.selectItem(it)
	}
	if s.From != nil {
		p.WriteString(" FROM ")
		p.table(s.From)
	}
	if s.Where != nil {
		p.WriteString(" WHERE ")
		p.expr(s.Where, 0)
	}
	if len(s.GroupBy) > 0 {
		p.WriteString(" GROUP BY ")
		p.exprList(s.GroupBy)
	}
	if s.Having != nil {
		p.WriteString(" HAVING ")
		p.expr(s.Having, 0)
	}
	if len(s.Windows) > 0 {
		p.WriteString(" WINDOW ")
		for i, w := range s.Windows {
			if i > 0 {
				p.WriteString(", ")
			}
			p.ident(w.Name.Name)
			p.WriteString(" AS ")
			spec := *w.Spec
			spec.Paren = true
			p.windowSpec(&spec)
		}
	}
	if s.Qualify != nil {
		p.WriteString(" QUALIFY ")
		p.expr(s.Qualify, 0)
	}
}

func (p *printer) selectItem(it *SelectItem) {
	p.expr(it.Expr, 0)
	if it.Alias != nil {
		p.WriteString(" AS ")
		p.ident(it.Alias.Name)
	}
}

func (p *printer) orderItems(items []*OrderItem) {
	for i, it := range items {
		if i > 0 {
			p.WriteString(", ")
		}
		p.expr(it.Expr, 0)
		if it.Desc {
			p.WriteString(" DESC")
		}
		switch it.Nulls {
		case NullsFirst:
			p.WriteString(" NULLS FIRST")
		case NullsLast:
			p.WriteString(" NULLS LAST")
		}
	}
}

func (p *printer) windowSpec(w *WindowSpec) {
	if !w.Paren && w.Ref != nil && len(w.PartitionBy) == 0 && len(w.OrderBy) == 0 && w.Frame == nil {
		p.ident(w.Ref.Name)
		return
	}
	p.WriteByte('(')
	sep := ""
	if w.Ref != nil {
		p.ident(w.Ref.Name)
		sep = " "
	}
	if len(w.PartitionBy) > 0 {
		p.WriteString(sep + "PARTITION BY ")
		p.exprList(w.PartitionBy)
		sep = " "
	}
	if len(w.OrderBy) > 0 {
		p.WriteString(sep + "ORDER BY ")
		p.orderItems(w.OrderBy)
		sep = " "
	}
	if w.Frame != nil {
		p.WriteString(sep)
		p.frame(w.Frame)
	}
	p.WriteByte(')')
}

func (p *printer) frame(f *WindowFrame) {
	if f.Unit == FrameRange {
		p.WriteString("RANGE ")
	} else {
		p.WriteString("ROWS ")
	}
	if f.End == nil {
		p.bound(f.Start)
		return
	}
	p.WriteString("BETWEEN ")
	p.bound(f.Start)
	p.WriteString(" AND ")
	p.bound(f.End)
}

func (p *printer) bound(b *FrameBound) {
	switch b.Kind {
	case UnboundedPreceding:
		p.WriteString("UNBOUNDED PRECEDING")
	case UnboundedFollowing:
		p.WriteString("UNBOUNDED FOLLOWING")
	case CurrentRow:
		p.WriteString("CURRENT ROW")
	case Preceding:
		p.expr(b.Offset, precAdd)
		p.WriteString(" PRECEDING")
	case Following:
		p.expr(b.Offset, precAdd)
		p.WriteString(" FOLLOWING")
	}
}

func (p *printer) table(t TableExpr) {
	switch t := t.(type) {
	case *TableRef:
		p.name(t.Name.Parts)
		if len(t.Hints) > 0 {
			p.WriteByte(' ')
			p.hints(t.Hints)
		}
		if t.SystemTime != nil {
			p.WriteString(" FOR SYSTEM_TIME AS OF ")
			p.expr(t.SystemTime, precAdd)
		}
		p.alias(t.Alias)
	case *SubqueryRef:
		if t.Lateral {
			p.WriteString("LATERAL ")
		}
		p.WriteByte('(')
		p.query(t.Query)
		p.WriteByte(')')
		p.alias(t.Alias)
	case *TableFunctionRef:
		if t.Lateral {
			p.WriteString("LATERAL ")
		}
		p.WriteString("TABLE(")
		p.expr(t.Call, 0)
		p.WriteByte(')')
		p.alias(t.Alias)
	case *Unnest:
		if t.Lateral {
			p.WriteString("LATERAL ")
		}
		p.WriteString("UNNEST(")
		p.exprList(t.Args)
		p.WriteByte(')')
		if t.WithOrdinality {
			p.WriteString(" WITH ORDINALITY")
		}
		p.alias(t.Alias)
	case *Join:
		p.join(t)
	}
}

func (p *printer) join(j *Join) {
	if l, ok := j.Left.(*Join); ok && l.Comma && !j.Comma {
		p.WriteByte('(')
		p.join(l)
		p.WriteByte(')')
	} else {
		p.table(j.Left)
	}
	if j.Comma {
		p.WriteString(", ")
	} else {
		p.WriteByte(' ')
		if j.Natural {
			p.WriteString("NATURAL ")
		}
		p.WriteString(j.Kind.String() + " ")
	}
	if r, ok := j.Right.(*Join); ok && !(j.Comma && !r.Comma) {
		p.WriteByte('(')
		p.join(r)
		p.WriteByte(')')
	} else {
		p.table(j.Right)
	}
	if j.On != nil {
		p.WriteString(" ON ")
		p.expr(j.On, 0)
	}
	if len(j.Using) > 0 {
		p.WriteString(" USING ")
		p.identList(j.Using)
	}
}

func (p *printer) alias(a *TableAlias) {
	if a == nil {
		return
	}
	p.WriteString(" AS ")
	p.ident(a.Name.Name)
	if len(a.Columns) > 0 {
		p.identList(a.Columns)
	}
}
