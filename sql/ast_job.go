package sql

// StopJob is STOP JOB '<id>' [WITH SAVEPOINT] [WITH DRAIN] (Flink 1.17+):
// it stops a running job of the session, optionally after taking a
// savepoint, and with DRAIN after advancing event time to the end so that
// every window fires.
type StopJob struct {
	Pos Pos
	// ID is the job id literal.
	ID *StringLit
	// Savepoint is set by WITH SAVEPOINT, Drain by WITH DRAIN.
	Savepoint bool
	Drain     bool
}

func (*StopJob) stmtNode() {}

// Position returns the position of the STOP keyword.
func (n *StopJob) Position() Pos { return n.Pos }

// stopJob prints STOP JOB in its canonical form.
func (p *printer) stopJob(s *StopJob) {
	p.WriteString("STOP JOB ")
	p.str(s.ID.Value)
	if s.Savepoint {
		p.WriteString(" WITH SAVEPOINT")
	}
	if s.Drain {
		p.WriteString(" WITH DRAIN")
	}
}
