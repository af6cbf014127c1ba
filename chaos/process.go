package chaos

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// completedRE matches the engine's log line for a completed checkpoint
// (Flink's words: "Completed checkpoint 5 for job ...").
var completedRE = regexp.MustCompile(`Completed checkpoint (\d+) for job`)

// proc is one run of the job as a child process in its own process group.
type proc struct {
	cmd     *exec.Cmd
	started time.Time
	logPath string
	// done is closed when the process has exited; err is its exit error.
	done chan struct{}
	err  error
	// checkpoints receives the id of each checkpoint the run completed.
	checkpoints chan int64
}

// startJob starts bin/spry sql -f script with the -D options, its output
// going to logPath. Completed checkpoints are seen both in the log and as
// new chk-<n>/_metadata files under chkDir, whichever shows first.
func startJob(bin, script, logPath, chkDir string, defines []string) (*proc, error) {
	args := []string{"sql", "-f", script}
	for _, d := range defines {
		args = append(args, "-D", d)
	}
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "$ %s %s\n", bin, strings.Join(args, " "))
	cmd := exec.Command(bin, args...)
	// Its own process group, so one SIGKILL takes the engine and any
	// worker process it started (Python UDF workers) at once.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		log.Close()
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	p := &proc{cmd: cmd, logPath: logPath, done: make(chan struct{}), checkpoints: make(chan int64, 1024)}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	p.started = time.Now()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(io.TeeReader(out, log))
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if m := completedRE.FindStringSubmatch(sc.Text()); m != nil {
				id, _ := strconv.ParseInt(m[1], 10, 64)
				select {
				case p.checkpoints <- id:
				default:
				}
			}
		}
		_, _ = io.Copy(log, out) // a line too long for the scanner
	}()
	go p.watch(chkDir)
	go func() {
		wg.Wait()
		p.err = cmd.Wait()
		log.Close()
		close(p.done)
	}()
	return p, nil
}

// watch reports each checkpoint that appears under chkDir until the run
// ends.
func (p *proc) watch(chkDir string) {
	_, last, _ := latestCheckpoint(chkDir)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-tick.C:
		}
		if _, id, err := latestCheckpoint(chkDir); err == nil && id > last {
			last = id
			select {
			case p.checkpoints <- id:
			default:
			}
		}
	}
}

// kill sends SIGKILL to the run's whole process group and waits for it.
func (p *proc) kill() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
}

// killed reports whether the run ended by a SIGKILL.
func (p *proc) killed() bool {
	var ee *exec.ExitError
	if !errors.As(p.err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// logTail returns the last lines of the run's output, for error reports.
func (p *proc) logTail(lines int) string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return ""
	}
	ls := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(ls[max(0, len(ls)-lines):], "\n")
}

// latestCheckpoint returns the newest completed checkpoint under dir
// (<dir>/<job-id>/chk-<n> with its _metadata, which is written last), by
// checkpoint id and then modification time; "" when there is none.
// Restored jobs continue the ids of the checkpoint they restored, so the
// highest id is the newest whatever job id the runs used.
func latestCheckpoint(dir string) (string, int64, error) {
	metas, err := filepath.Glob(filepath.Join(dir, "*", "chk-*", "_metadata"))
	if err != nil {
		return "", 0, err
	}
	type cand struct {
		path string
		id   int64
		mod  time.Time
	}
	var cs []cand
	for _, m := range metas {
		st, err := os.Stat(m)
		if err != nil || st.Size() == 0 {
			continue
		}
		chk := filepath.Dir(m)
		id, err := strconv.ParseInt(strings.TrimPrefix(filepath.Base(chk), "chk-"), 10, 64)
		if err != nil {
			continue
		}
		cs = append(cs, cand{chk, id, st.ModTime()})
	}
	if len(cs) == 0 {
		return "", 0, nil
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].id != cs[j].id {
			return cs[i].id > cs[j].id
		}
		return cs[i].mod.After(cs[j].mod)
	})
	return cs[0].path, cs[0].id, nil
}
