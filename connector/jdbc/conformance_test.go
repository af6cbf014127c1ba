package jdbc_test

import (
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/conformance"
	"github.com/spry-engine/spry/connector/jdbc"
	"github.com/spry-engine/spry/connector/jdbc/jdbctest"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// harness runs the shared connector suite on a fresh SQL table per test,
// read by two subtasks over four ranges of id.
func harness(srv *jdbctest.Server) conformance.Harness {
	return conformance.Harness{
		Factory: jdbc.Factory,
		NewTable: func(t *testing.T, s *types.Schema) *connector.Table {
			name := srv.Table(t, "conformance")
			srv.Exec(t, "CREATE TABLE "+name+" (id BIGINT PRIMARY KEY, part INT, seq BIGINT, name VARCHAR(40))")
			o := map[string]string{"connector": "jdbc", "url": srv.JDBCURL, "table-name": name,
				"scan.partition.column": "id", "scan.partition.num": "4",
				"scan.partition.lower-bound": "0", "scan.partition.upper-bound": "199"}
			if srv.Username != "" {
				o["username"], o["password"] = srv.Username, srv.Password
			}
			if err := connector.ValidateTable(jdbc.Factory, name, o); err != nil {
				t.Fatal(err)
			}
			return &connector.Table{Name: "conformance." + name, Schema: s, PrimaryKey: s.PrimaryKey, Options: o}
		},
		Rows: 200,
		// Each range is read in primary key order, so seq order holds.
		OrderedByPart: true,
	}
}

func TestConformanceSQLite(t *testing.T)   { conformance.Run(t, harness(jdbctest.SQLite(t))) }
func TestConformanceMariaDB(t *testing.T)  { conformance.Run(t, harness(jdbctest.MySQL(t))) }
func TestConformancePostgres(t *testing.T) { conformance.Run(t, harness(jdbctest.Postgres(t))) }

// TestSinkHandlesBarriers guards the hook the runtime calls before a
// checkpoint barrier passes (the sink flushes there).
func TestSinkHandlesBarriers(t *testing.T) {
	srv := jdbctest.SQLite(t)
	s, err := jdbc.Factory.NewSink(&connector.Table{Name: "t", Schema: conformance.Schema,
		Options: map[string]string{"connector": "jdbc", "url": srv.JDBCURL, "table-name": "t"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(ops.SinkBarrierHandler); !ok {
		t.Fatalf("%T does not implement ops.SinkBarrierHandler", s)
	}
}
