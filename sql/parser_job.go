package sql

// parseStopJob parses STOP JOB '<id>' [WITH SAVEPOINT] [WITH DRAIN]; the
// two clauses may come in either order, each at most once, as in Flink's
// grammar.
func (p *parser) parseStopJob() *StopJob {
	t := p.expectKw("STOP")
	p.expectKw("JOB")
	s := &StopJob{Pos: t.pos, ID: p.parseStringLit()}
	for !p.atStmtEnd() {
		p.expectKw("WITH")
		switch {
		case !s.Savepoint && p.acceptKw("SAVEPOINT"):
			s.Savepoint = true
		case !s.Drain && p.acceptKw("DRAIN"):
			s.Drain = true
		default:
			p.errUnexpected()
			return s
		}
	}
	return s
}
