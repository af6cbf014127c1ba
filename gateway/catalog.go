package gateway

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spry-engine/spry/connector/pyinput"
	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

func explain(s *session, params json.RawMessage, _ [][]byte) (any, [][]byte, error) {
	var p struct {
		Statement string   `json:"statement"`
		Details   []string `json:"details"`
	}
	if err := decode(params, &p); err != nil {
		return nil, nil, err
	}
	if err := required("statement", p.Statement); err != nil {
		return nil, nil, err
	}
	stmt := p.Statement
	if len(p.Details) > 0 {
		// EXPLAIN's own syntax carries the details: the session explains
		// exactly what the SQL client would.
		stmt = "EXPLAIN " + strings.Join(p.Details, ", ") + " " + stmt
	}
	out, err := s.env.Explain(s.ctx, stmt)
	if err != nil {
		return nil, nil, err
	}
	return map[string]any{"plan": out}, nil, nil
}

func schema(s *session, params json.RawMessage, _ [][]byte) (any, [][]byte, error) {
	var p struct {
		Query string `json:"query"`
	}
	if err := decode(params, &p); err != nil {
		return nil, nil, err
	}
	if err := required("query", p.Query); err != nil {
		return nil, nil, err
	}
	sc, err := s.env.QuerySchema(s.ctx, p.Query)
	if err != nil {
		return nil, nil, err
	}
	return map[string]any{"columns": columnsOf(sc)}, nil, nil
}

// registerArrow creates a table over the rows of payload 0 through the
// python-input connector, with DDL so the catalog sees an ordinary table.
func registerArrow(s *session, params json.RawMessage, payloads [][]byte) (any, [][]byte, error) {
	p := struct {
		Name      string `json:"name"`
		Temporary *bool  `json:"temporary"`
	}{}
	if err := decode(params, &p); err != nil {
		return nil, nil, err
	}
	if err := required("name", p.Name); err != nil {
		return nil, nil, err
	}
	if len(payloads) != 1 {
		return nil, nil, &ProtocolError{fmt.Sprintf("register_arrow takes 1 payload (an Arrow IPC stream), got %d", len(payloads))}
	}
	as, recs, err := decodeStream(payloads[0])
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	return registerRecords(s, p.Name, p.Temporary == nil || *p.Temporary, as, recs)
}

// registerRecords creates the table name over recs (of schema as) through
// the python-input connector.
func registerRecords(s *session, name string, temporary bool, as *arrow.Schema, recs []arrow.RecordBatch) (any, [][]byte, error) {
	cols := make([]string, len(as.Fields()))
	for i, f := range as.Fields() {
		t, err := flinkType(f)
		if err != nil {
			return nil, nil, &table.ConfigError{Key: "column " + f.Name, Value: f.Type.String(), Msg: err.Error()}
		}
		cols[i] = types.QuoteIdent(f.Name) + " " + t
	}
	id := pyinput.Register(recs)
	temp := "TEMPORARY "
	if !temporary {
		temp = ""
	}
	ddl := fmt.Sprintf("CREATE %sTABLE %s (%s) WITH ('connector' = '%s', '%s' = '%s')",
		temp, quotePath(name), strings.Join(cols, ", "), pyinput.Name, pyinput.OptID, id)
	if _, err := s.env.ExecuteSQL(s.ctx, ddl); err != nil {
		pyinput.Drop(id)
		return nil, nil, err
	}
	s.mu.Lock()
	s.inputs = append(s.inputs, id)
	s.mu.Unlock()
	sc, err := s.env.QuerySchema(s.ctx, "SELECT * FROM "+quotePath(name))
	if err == nil {
		err = pyinput.Bind(id, sc)
	}
	if err != nil {
		_, _ = s.env.ExecuteSQL(s.ctx, "DROP TEMPORARY TABLE IF EXISTS "+quotePath(name))
		return nil, nil, err
	}
	n := 0
	for _, r := range recs {
		n += int(r.NumRows())
	}
	return map[string]any{"columns": columnsOf(sc), "rows": n}, nil, nil
}

// flinkType is the DDL type of an Arrow field: its spry.type metadata
// when it came from Spry, else the closest logical type.
func flinkType(f arrow.Field) (string, error) {
	if i := f.Metadata.FindKey("spry.type"); i >= 0 {
		t := f.Metadata.Values()[i]
		t = strings.TrimSuffix(strings.TrimSuffix(t, " *ROWTIME*"), " *PROCTIME*")
		return t, nil
	}
	at := f.Type
	if d, ok := at.(*arrow.DictionaryType); ok {
		at = d.ValueType
	}
	if at.ID() == arrow.NULL {
		// An all-None column (pandas object dtype): typed as STRING.
		at = arrow.BinaryTypes.String
	}
	t, err := types.FromArrow(at)
	if err != nil {
		return "", err
	}
	return t.WithNullable(f.Nullable).String(), nil
}

// quotePath quotes each part of a possibly qualified name, unless the
// caller quoted it already.
func quotePath(name string) string {
	if strings.Contains(name, "`") {
		return name
	}
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = types.QuoteIdent(p)
	}
	return strings.Join(parts, ".")
}
