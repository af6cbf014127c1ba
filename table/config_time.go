package table

// KeySourceIdleTimeout is Flink's table.exec.source.idle-timeout: a source
// subtask without rows for this long is marked idle, so it no longer holds
// back the watermark of downstream operators ("0 ms" disables it).
const KeySourceIdleTimeout = "table.exec.source.idle-timeout"

func init() {
	knownOptions[KeySourceIdleTimeout] = option{constDef("0 ms"), durationCheck}
}
