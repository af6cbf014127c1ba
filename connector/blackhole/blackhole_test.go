package blackhole

import (
	"context"
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

func TestBlackhole(t *testing.T) {
	f, err := connector.Lookup("blackhole")
	if err != nil {
		t.Fatal(err)
	}
	if f.SinkMode(nil) != types.ModeAll || f.NewSource != nil {
		t.Error("blackhole must accept every row kind and not be a source")
	}
	if err := connector.ValidateTable(f, "t", map[string]string{"connector": "blackhole", "x": "1"}); err == nil {
		t.Error("unknown option accepted")
	}
	s, _ := f.NewSink(&connector.Table{})
	ctx := context.Background()
	s.Open(ctx, connector.Task{})
	if err := s.Write(ctx, types.Empty(types.NewSchema())); err != nil {
		t.Fatal(err)
	}
	if s.Finish(ctx) != nil || s.Close() != nil {
		t.Fatal("finish/close failed")
	}
}
