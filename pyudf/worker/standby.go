package worker

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// A worker spends ~0.2 s importing pyarrow before it can evaluate
// anything, which dominates short jobs. A worker that closes cleanly
// therefore leaves a standby process behind, launched with the same
// interpreter, environment and directory: it imports the worker's modules
// and then waits for its program, so the next job's subtask begins with a
// warm worker. Standbys are launched after a job's work, not during it,
// so their imports never compete with a running job for the CPU. A
// standby holds no user code until it is claimed; an unclaimed one exits
// after StandbyIdle.

// StandbyIdle is how long an unclaimed standby worker lives; 0 turns
// standby workers off.
var StandbyIdle = 60 * time.Second

// maxStandby bounds the standbys kept in all (an idle interpreter with
// pyarrow holds ~40 MB); the oldest makes way for a new one.
const maxStandby = 4

// standby holds the standby workers, oldest first; each knows its key.
var standby struct {
	mu    sync.Mutex
	procs []*Process
}

// launchKey names what a process was launched with; only a standby with
// the same key can stand in for a new launch. It includes the size and
// modification time of every PYTHONPATH entry: Python reads a zip's
// index, and notes a missing directory, when it first searches the path,
// so a standby would not see a rebuilt deps.zip or a directory created
// since it started.
func launchKey(exe, dir string, env, paths []string) string {
	var b strings.Builder
	b.WriteString(exe + "\x00" + dir + "\x00" + strings.Join(env, "\x00"))
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil {
			fmt.Fprintf(&b, "\x00%d:%d", fi.Size(), fi.ModTime().UnixNano())
		} else {
			b.WriteString("\x00-")
		}
	}
	return b.String()
}

// launch returns a started worker process for exe: a standby launched
// the same way, else a new one. paths are the PYTHONPATH entries in env.
func launch(exe, dir string, env, paths []string) (*Process, error) {
	key := launchKey(exe, dir, env, paths)
	p := claimStandby(key)
	if p == nil {
		var err error
		if p, err = spawn(exe, dir, env); err != nil {
			return nil, err
		}
	}
	p.key = key
	return p, nil
}

// leaveStandby launches a standby like p once p's job is done.
func (p *Process) leaveStandby() {
	if StandbyIdle <= 0 || p.key == "" {
		return
	}
	s, err := spawn(p.cmd.Path, p.cmd.Dir, p.cmd.Env)
	if err != nil {
		return // the next start reports it
	}
	s.key = p.key
	standby.mu.Lock()
	var evict *Process
	if len(standby.procs) >= maxStandby {
		evict = standby.procs[0]
		standby.procs = standby.procs[1:]
	}
	standby.procs = append(standby.procs, s)
	standby.mu.Unlock()
	if evict != nil {
		evict.Kill()
	}
	time.AfterFunc(StandbyIdle, func() {
		if takeStandby(func(q *Process) bool { return q == s }) != nil {
			s.Kill()
		}
	})
}

// claimStandby takes the newest live standby launched with key, if any.
func claimStandby(key string) *Process {
	for {
		p := takeStandby(func(q *Process) bool { return q.key == key })
		if p == nil {
			return nil
		}
		select {
		case <-p.done: // stopped: not usable
		default:
			return p
		}
	}
}

// takeStandby removes and returns the newest standby that match accepts.
func takeStandby(match func(*Process) bool) *Process {
	standby.mu.Lock()
	defer standby.mu.Unlock()
	for i := len(standby.procs) - 1; i >= 0; i-- {
		if p := standby.procs[i]; match(p) {
			standby.procs = append(standby.procs[:i:i], standby.procs[i+1:]...)
			return p
		}
	}
	return nil
}

// spawn starts a worker process that has not been sent its program.
func spawn(exe, dir string, env []string) (*Process, error) {
	cmd := exec.Command(exe, "-u", "-m", "spry.worker")
	cmd.Env = env
	cmd.Dir = dir
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, in: in, w: bufio.NewWriterSize(in, 1<<16), r: bufio.NewReaderSize(out, 1<<16),
		stderr: &tail{max: 4096}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return p, nil
}

// startError is the error of an interpreter that could not be started.
func startError(exe string, err error) error {
	return fmt.Errorf("could not start the Python worker %q (python.executable): %w", exe, err)
}
