package main

import (
	"errors"
	"net/http"

	"github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/table"
)

// checkpointEntry is one checkpoint in Flink's CheckpointingStatistics
// shape (the fields Spry knows; durations in ms, sizes in bytes).
type checkpointEntry struct {
	ID                int64  `json:"id"`
	Status            string `json:"status"`
	IsSavepoint       bool   `json:"is_savepoint"`
	CheckpointType    string `json:"checkpoint_type"`
	TriggerTimestamp  int64  `json:"trigger_timestamp"`
	LatestAck         int64  `json:"latest_ack_timestamp"`
	StateSize         int64  `json:"state_size"`
	CheckpointedSize  int64  `json:"checkpointed_size"`
	EndToEndDuration  int64  `json:"end_to_end_duration"`
	AlignmentDuration int64  `json:"alignment_duration"`
	ExternalPath      string `json:"external_path,omitempty"`
	FailureMessage    string `json:"failure_message,omitempty"`
}

// checkpointStatistics is GET /jobs/:id/checkpoints.
type checkpointStatistics struct {
	Counts struct {
		Restored   int `json:"restored"`
		Total      int `json:"total"`
		InProgress int `json:"in_progress"`
		Completed  int `json:"completed"`
		Failed     int `json:"failed"`
	} `json:"counts"`
	Latest struct {
		Completed *checkpointEntry `json:"completed"`
		Savepoint *checkpointEntry `json:"savepoint"`
		Failed    *checkpointEntry `json:"failed"`
	} `json:"latest"`
	History []checkpointEntry `json:"history"`
}

func (s *restServer) checkpoints(w http.ResponseWriter, jobID string) {
	stats, err := table.CheckpointStats(jobID)
	if err != nil {
		var uj *table.UnknownJobError
		if errors.As(err, &uj) {
			restError(w, http.StatusNotFound, err.Error())
			return
		}
		restError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, checkpointStats(stats))
}

// checkpointStats converts the runtime's statistics; Flink lists history
// newest first.
func checkpointStats(stats []runtime.CheckpointStats) *checkpointStatistics {
	out := &checkpointStatistics{History: []checkpointEntry{}}
	for i := len(stats) - 1; i >= 0; i-- {
		c := stats[i]
		e := checkpointEntry{
			ID: c.ID, Status: "COMPLETED", IsSavepoint: c.Savepoint, CheckpointType: "CHECKPOINT",
			TriggerTimestamp: c.Triggered.UnixMilli(), LatestAck: c.Triggered.Add(c.Duration).UnixMilli(),
			StateSize: c.Size, CheckpointedSize: c.Size, EndToEndDuration: c.Duration.Milliseconds(),
			AlignmentDuration: c.Alignment.Milliseconds(), ExternalPath: c.Path,
		}
		if c.Savepoint {
			e.CheckpointType = "SAVEPOINT"
		}
		out.Counts.Total++
		if c.Err != nil {
			e.Status, e.FailureMessage = "FAILED", c.Err.Error()
			out.Counts.Failed++
			if out.Latest.Failed == nil {
				out.Latest.Failed = &e
			}
		} else {
			out.Counts.Completed++
			if c.Savepoint && out.Latest.Savepoint == nil {
				out.Latest.Savepoint = &e
			}
			if !c.Savepoint && out.Latest.Completed == nil {
				out.Latest.Completed = &e
			}
		}
		out.History = append(out.History, e)
	}
	return out
}
