package types

// RowKind is the change a row carries in a changelog stream. The numeric
// values are Flink's RowKind byte values, so they survive serialisation to
// and from Flink-compatible formats.
type RowKind int8

// The four row kinds.
const (
	Insert       RowKind = 0 // +I
	UpdateBefore RowKind = 1 // -U
	UpdateAfter  RowKind = 2 // +U
	Delete       RowKind = 3 // -D
)

var rowKindShort = [...]string{"+I", "-U", "+U", "-D"}

// String returns the short form Flink prints: +I, -U, +U or -D.
func (k RowKind) String() string {
	if k >= 0 && int(k) < len(rowKindShort) {
		return rowKindShort[k]
	}
	return "??"
}

// IsAdditive reports whether the row adds to a result (+I or +U).
func (k RowKind) IsAdditive() bool { return k == Insert || k == UpdateAfter }

// IsRetraction reports whether the row withdraws a result (-U or -D).
func (k RowKind) IsRetraction() bool { return k == UpdateBefore || k == Delete }

// ParseRowKind parses +I, -U, +U or -D.
func ParseRowKind(s string) (RowKind, bool) {
	for i, v := range rowKindShort {
		if v == s {
			return RowKind(i), true
		}
	}
	return 0, false
}

// ChangelogMode is the set of row kinds a stream may contain.
type ChangelogMode uint8

// Changelog modes as bit sets of row kinds.
const (
	ModeInsertOnly ChangelogMode = 1 << Insert
	// ModeUpsert carries +I, +U and -D keyed on a unique key, without -U.
	ModeUpsert ChangelogMode = 1<<Insert | 1<<UpdateAfter | 1<<Delete
	// ModeAll carries every row kind (a retract stream).
	ModeAll ChangelogMode = 1<<Insert | 1<<UpdateBefore | 1<<UpdateAfter | 1<<Delete
)

// Contains reports whether the mode includes row kind k.
func (m ChangelogMode) Contains(k RowKind) bool { return m&(1<<k) != 0 }

// IsInsertOnly reports whether the mode holds only +I.
func (m ChangelogMode) IsInsertOnly() bool { return m == ModeInsertOnly }

// String lists the kinds as Flink's EXPLAIN CHANGELOG_MODE does: [I,UB,UA,D].
func (m ChangelogMode) String() string {
	names := [...]string{"I", "UB", "UA", "D"}
	s := "["
	first := true
	for k := Insert; k <= Delete; k++ {
		if m.Contains(k) {
			if !first {
				s += ","
			}
			s += names[k]
			first = false
		}
	}
	return s + "]"
}
