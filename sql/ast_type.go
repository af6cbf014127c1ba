package sql

// DataType is a SQL data type as written in CAST and DDL. It is syntax only:
// the binder converts it to a runtime type.
//
// Name is canonical upper case: BOOLEAN, TINYINT, SMALLINT, INT, BIGINT,
// FLOAT (also for REAL), DOUBLE (also DOUBLE PRECISION), DECIMAL (also DEC,
// NUMERIC), CHAR, VARCHAR, STRING, BINARY, VARBINARY, BYTES, DATE, TIME,
// TIMESTAMP, TIMESTAMP_LTZ (also TIMESTAMP WITH LOCAL TIME ZONE; WithLocalTZ
// is then set), INTERVAL, ARRAY, MULTISET, MAP, ROW, NULL, RAW.
type DataType struct {
	Pos  Pos
	Name string
	// Params are the parenthesised numbers, e.g. [10 2] for DECIMAL(10, 2);
	// empty when not written.
	Params []int
	// Elem is the element type of ARRAY and MULTISET (`ARRAY<T>` or `T ARRAY`).
	Elem *DataType
	// Key and Value are the types of MAP<K, V>.
	Key, Value *DataType
	// Fields are the fields of ROW<...> / ROW(...).
	Fields []*RowField
	// NotNull is set by a NOT NULL suffix.
	NotNull bool
	// WithLocalTZ is set for TIMESTAMP_LTZ / TIMESTAMP WITH LOCAL TIME ZONE.
	WithLocalTZ bool
	// Interval is the qualifier of an INTERVAL type (e.g. DAY(2) TO SECOND(3)).
	Interval *IntervalQualifier
	// RawArgs are the string arguments of RAW('class', 'snapshot').
	RawArgs []string
}

// RowField is one `name TYPE [COMMENT '..']` field of a ROW type.
type RowField struct {
	Pos     Pos
	Name    string
	Type    *DataType
	Comment *StringLit
}

func (n *DataType) Position() Pos { return n.Pos }
func (n *RowField) Position() Pos { return n.Pos }
