package sql

// typeAliases maps accepted type names to canonical names.
var typeAliases = map[string]string{
	"BOOLEAN": "BOOLEAN", "BOOL": "BOOLEAN", "TINYINT": "TINYINT", "SMALLINT": "SMALLINT",
	"INT": "INT", "INTEGER": "INT", "BIGINT": "BIGINT", "FLOAT": "FLOAT", "REAL": "FLOAT",
	"DOUBLE": "DOUBLE", "DECIMAL": "DECIMAL", "DEC": "DECIMAL", "NUMERIC": "DECIMAL",
	"CHAR": "CHAR", "CHARACTER": "CHAR", "VARCHAR": "VARCHAR", "STRING": "STRING",
	"BINARY": "BINARY", "VARBINARY": "VARBINARY", "BYTES": "BYTES", "DATE": "DATE",
	"TIME": "TIME", "TIMESTAMP": "TIMESTAMP", "TIMESTAMP_LTZ": "TIMESTAMP_LTZ",
	"INTERVAL": "INTERVAL", "ARRAY": "ARRAY", "MULTISET": "MULTISET", "MAP": "MAP",
	"ROW": "ROW", "NULL": "NULL", "RAW": "RAW",
}

// maxTypeParams is how many numeric parameters each type accepts.
var maxTypeParams = map[string]int{
	"DECIMAL": 2, "CHAR": 1, "VARCHAR": 1, "BINARY": 1, "VARBINARY": 1,
	"TIME": 1, "TIMESTAMP": 1, "TIMESTAMP_LTZ": 1,
}

// parseDataType parses a data type with its suffixes (T ARRAY, T MULTISET,
// NOT NULL, NULL).
func (p *parser) parseDataType() *DataType {
	p.enter()
	defer p.leave()
	dt := p.parseBaseType()
	for {
		t := p.peek()
		switch {
		case isKw(t, "NOT") && isKw(p.peekN(1), "NULL"):
			p.next()
			p.next()
			dt.NotNull = true
		case isKw(t, "NULL") && dt.Name != "NULL" && !isKw(p.peekN(1), "ON"):
			p.next()
			dt.NotNull = false
		case isKw(t, "ARRAY") || isKw(t, "MULTISET"):
			p.next()
			dt = &DataType{Pos: dt.Pos, Name: upper(t), Elem: dt}
		default:
			return dt
		}
	}
}

func (p *parser) parseBaseType() *DataType {
	t := p.peek()
	p.noteExpected("data type")
	name, ok := typeAliases[upper(t)]
	if !ok {
		p.errUnexpected()
	}
	p.next()
	dt := &DataType{Pos: t.pos, Name: name}
	switch name {
	case "DOUBLE":
		p.acceptKw("PRECISION")
	case "CHAR":
		if p.acceptKw("VARYING") {
			dt.Name = "VARCHAR"
		}
	case "INTERVAL":
		q := p.parseIntervalQualifier()
		dt.Interval = &q
		return dt
	case "ARRAY", "MULTISET":
		p.expectP("<")
		dt.Elem = p.parseDataType()
		p.expectP(">")
		return dt
	case "MAP":
		p.expectP("<")
		dt.Key = p.parseDataType()
		p.expectP(",")
		dt.Value = p.parseDataType()
		p.expectP(">")
		return dt
	case "ROW":
		p.parseRowFields(dt)
		return dt
	case "RAW":
		p.expectP("(")
		dt.RawArgs = append(dt.RawArgs, p.parseStringLit().Value)
		if p.acceptP(",") {
			dt.RawArgs = append(dt.RawArgs, p.parseStringLit().Value)
		}
		p.expectP(")")
		return dt
	}
	if n := maxTypeParams[dt.Name]; n > 0 && isP(p.peek(), "(") {
		p.next()
		dt.Params = append(dt.Params, p.parseIntLit())
		if n > 1 && p.acceptP(",") {
			dt.Params = append(dt.Params, p.parseIntLit())
		}
		p.expectP(")")
	}
	switch dt.Name {
	case "TIME":
		p.acceptKws("WITHOUT", "TIME", "ZONE")
	case "TIMESTAMP":
		if p.acceptKws("WITH", "LOCAL", "TIME", "ZONE") {
			dt.Name = "TIMESTAMP_LTZ"
		} else {
			p.acceptKws("WITHOUT", "TIME", "ZONE")
		}
	}
	if dt.Name == "TIMESTAMP_LTZ" {
		dt.WithLocalTZ = true
	}
	return dt
}

// parseRowFields parses ROW<name T [COMMENT '..'], ...> or ROW(name T, ...).
func (p *parser) parseRowFields(dt *DataType) {
	closer := ">"
	if p.acceptP("<>") { // ROW<> lexes as the <> operator
		return
	}
	if p.acceptP("(") {
		closer = ")"
	} else {
		p.expectP("<")
	}
	if p.acceptP(closer) {
		return
	}
	for {
		t := p.peek()
		p.noteExpected("field name")
		if t.kind != tIdent && t.kind != tQIdent {
			p.errUnexpected()
		}
		p.next()
		f := &RowField{Pos: t.pos, Name: t.text, Type: p.parseDataType()}
		if p.acceptKw("COMMENT") {
			f.Comment = p.parseStringLit()
		}
		dt.Fields = append(dt.Fields, f)
		if !p.acceptP(",") {
			break
		}
	}
	p.expectP(closer)
}
