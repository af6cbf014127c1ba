package jdbc

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector/jdbc/jdbctest"
)

// proxy forwards TCP connections to a database; cut closes them all and
// stops listening (the database "goes away"), restore listens again on
// the same port.
type proxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{t: t, target: target}
	p.restore()
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) restore() {
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, d)
			p.mu.Unlock()
			go func() { io.Copy(d, c); d.Close() }() //nolint:errcheck // closes end it
			go func() { io.Copy(c, d); c.Close() }() //nolint:errcheck
		}
	}()
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// viaProxy returns srv with its JDBC URL pointing at a proxy to it.
func viaProxy(t *testing.T, srv *jdbctest.Server) (*jdbctest.Server, *proxy) {
	u, err := url.Parse(strings.TrimPrefix(srv.JDBCURL, "jdbc:"))
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	via := *srv
	via.JDBCURL = strings.Replace(srv.JDBCURL, u.Host, p.addr, 1)
	return &via, p
}

func TestConnectionLostMariaDB(t *testing.T)  { connectionLost(t, jdbctest.MySQL(t)) }
func TestConnectionLostPostgres(t *testing.T) { connectionLost(t, jdbctest.Postgres(t)) }

// connectionLost cuts the connection under a running sink: a flush retries
// with back-off and succeeds when the database comes back within the
// retries, and fails with the cause (naming no password) when it does not.
func connectionLost(t *testing.T, srv *jdbctest.Server) {
	table := makeKV(t, srv, "lost")
	via, p := viaProxy(t, srv)
	s := openSink(t, via, table, nil, OptSinkFlushMaxRows, "1", OptSinkMaxRetries, "3",
		OptMaxRetryTimeout, "1s", OptSinkFlushInterval, "0")
	ctx := context.Background()
	if err := s.Write(ctx, kvBatch([]int64{1}, nil)); err != nil {
		t.Fatal(err)
	}
	p.cut()
	time.AfterFunc(300*time.Millisecond, p.restore)
	start := time.Now()
	if err := s.Write(ctx, kvBatch([]int64{2}, nil)); err != nil {
		t.Fatalf("the write should succeed once the database is back: %v", err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("recovered in %s, before the database came back?", d)
	}
	if got := count(t, srv, table); got != 2 {
		t.Fatalf("%d rows, want 2", got)
	}

	p.cut() // for good
	start = time.Now()
	err := s.Write(ctx, kvBatch([]int64{3}, nil))
	var se *StatementError
	if !errors.As(err, &se) || se.Attempts != 4 {
		t.Fatalf("want a StatementError after 4 attempts, got %v", err)
	}
	if strings.Contains(err.Error(), srv.Password) && len(srv.Password) > 4 {
		t.Errorf("the error shows the password: %v", err)
	}
	if d := time.Since(start); d < 2500*time.Millisecond || d > 10*time.Second {
		t.Errorf("3 retries with 1 s back-off took %s", d)
	}
}
