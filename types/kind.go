package types

// Kind is the root of a logical type, as in Flink's LogicalTypeRoot.
type Kind uint8

// The logical type roots Spry supports.
const (
	KindNull Kind = iota
	KindBoolean
	KindTinyInt
	KindSmallInt
	KindInt
	KindBigInt
	KindFloat
	KindDouble
	KindDecimal
	KindChar
	KindVarChar
	KindBinary
	KindVarBinary
	KindDate
	KindTime
	KindTimestamp
	KindTimestampLTZ
	KindIntervalYearMonth
	KindIntervalDayTime
	KindArray
	KindMap
	KindMultiset
	KindRow
)

var kindNames = [...]string{
	KindNull:              "NULL",
	KindBoolean:           "BOOLEAN",
	KindTinyInt:           "TINYINT",
	KindSmallInt:          "SMALLINT",
	KindInt:               "INT",
	KindBigInt:            "BIGINT",
	KindFloat:             "FLOAT",
	KindDouble:            "DOUBLE",
	KindDecimal:           "DECIMAL",
	KindChar:              "CHAR",
	KindVarChar:           "VARCHAR",
	KindBinary:            "BINARY",
	KindVarBinary:         "VARBINARY",
	KindDate:              "DATE",
	KindTime:              "TIME",
	KindTimestamp:         "TIMESTAMP",
	KindTimestampLTZ:      "TIMESTAMP_LTZ",
	KindIntervalYearMonth: "INTERVAL YEAR TO MONTH",
	KindIntervalDayTime:   "INTERVAL DAY TO SECOND",
	KindArray:             "ARRAY",
	KindMap:               "MAP",
	KindMultiset:          "MULTISET",
	KindRow:               "ROW",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "UNKNOWN"
}

// IsInteger reports whether k is an exact integer kind.
func (k Kind) IsInteger() bool { return k >= KindTinyInt && k <= KindBigInt }

// IsApprox reports whether k is FLOAT or DOUBLE.
func (k Kind) IsApprox() bool { return k == KindFloat || k == KindDouble }

// IsNumeric reports whether k is an exact or approximate number.
func (k Kind) IsNumeric() bool { return k >= KindTinyInt && k <= KindDecimal }

// IsString reports whether k is CHAR or VARCHAR.
func (k Kind) IsString() bool { return k == KindChar || k == KindVarChar }

// IsBinary reports whether k is BINARY or VARBINARY.
func (k Kind) IsBinary() bool { return k == KindBinary || k == KindVarBinary }

// IsTemporal reports whether k is a date, time or timestamp kind.
func (k Kind) IsTemporal() bool { return k >= KindDate && k <= KindTimestampLTZ }

// IsTimestamp reports whether k is TIMESTAMP or TIMESTAMP_LTZ.
func (k Kind) IsTimestamp() bool { return k == KindTimestamp || k == KindTimestampLTZ }

// IsInterval reports whether k is an interval kind.
func (k Kind) IsInterval() bool { return k == KindIntervalYearMonth || k == KindIntervalDayTime }

// IsNested reports whether k is a constructed (ARRAY, MAP, MULTISET, ROW) kind.
func (k Kind) IsNested() bool { return k >= KindArray }
