package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// The job commands talk to a running engine's REST API (`--rest-port`) as
// Flink's CLI talks to a JobManager: `spry list`, `spry savepoint`,
// `spry stop`, each with -m host:port.

const defaultJobManager = "localhost:8081"

// restClient calls one engine's REST API.
type restClient struct {
	base string
	http *http.Client
}

func newRESTClient(addr string) *restClient {
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	return &restClient{base: strings.TrimRight(addr, "/"), http: &http.Client{}}
}

// call sends a request and decodes the answer into out; an error answer
// becomes an error carrying Flink's "errors" messages.
func (c *restClient) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("could not reach the engine's REST API at %s (start it with --rest-port): %w", c.base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Errors []string `json:"errors"`
		}
		if json.Unmarshal(data, &e) == nil && len(e.Errors) > 0 {
			return errors.New(strings.Join(e.Errors, "; "))
		}
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

func newListCommand() *cobra.Command {
	var addr string
	var all, running bool
	cmd := &cobra.Command{
		Use:   "list [-m host:port] [-a] [-r]",
		Short: "List the jobs of a running engine (as flink list)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := interruptible()
			defer stop()
			var resp struct {
				Jobs []jobOverview `json:"jobs"`
			}
			out := cmd.OutOrStdout()
			fmt.Fprintln(out, "Waiting for response...")
			if err := newRESTClient(addr).call(ctx, http.MethodGet, "/jobs/overview", nil, &resp); err != nil {
				return &exitError{1, err}
			}
			printJobList(out, resp.Jobs, all && !running)
			return nil
		},
	}
	cmd.Flags().StringVarP(&addr, "jobmanager", "m", defaultJobManager, "address of the engine's REST API (host:port)")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "show all jobs, terminated ones too")
	cmd.Flags().BoolVarP(&running, "running", "r", false, "show only running jobs")
	return cmd
}

// printJobList prints jobs in the layout of Flink's `flink list`.
func printJobList(w io.Writer, jobs []jobOverview, terminated bool) {
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].Start < jobs[j].Start })
	var live, ended []jobOverview
	for _, j := range jobs {
		switch j.State {
		case "RUNNING", "RESTARTING", "CREATED", "INITIALIZING":
			live = append(live, j)
		default:
			ended = append(ended, j)
		}
	}
	line := func(j jobOverview) string {
		return fmt.Sprintf("%s : %s : %s (%s)", time.UnixMilli(j.Start).Format("02.01.2006 15:04:05"), j.JID, j.Name, j.State)
	}
	if len(live) == 0 {
		fmt.Fprintln(w, "No running jobs.")
	} else {
		fmt.Fprintln(w, "------------------ Running/Restarting Jobs -------------------")
		for _, j := range live {
			fmt.Fprintln(w, line(j))
		}
		fmt.Fprintln(w, "--------------------------------------------------------------")
	}
	if !terminated {
		return
	}
	if len(ended) == 0 {
		fmt.Fprintln(w, "No terminated jobs.")
		return
	}
	fmt.Fprintln(w, "---------------------- Terminated Jobs -----------------------")
	for _, j := range ended {
		fmt.Fprintln(w, line(j))
	}
	fmt.Fprintln(w, "--------------------------------------------------------------")
}

func newSavepointCommand() *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "savepoint <jobId> [targetDirectory] [-m host:port]",
		Short: "Trigger a savepoint of a running job (as flink savepoint)",
		Long: `spry savepoint triggers a savepoint of a running job and prints its path.
Without a target directory the engine's state.savepoints.dir is used.
Resume from it with -D execution.savepoint.path=<path>.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := interruptible()
			defer stop()
			body := map[string]any{"cancel-job": false}
			if len(args) == 2 {
				body["target-directory"] = args[1]
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Triggering savepoint for job %s.\nWaiting for response...\n", args[0])
			var res operationResult
			if err := newRESTClient(addr).call(ctx, http.MethodPost, "/jobs/"+args[0]+"/savepoints", body, &res); err != nil {
				return &exitError{1, err}
			}
			fmt.Fprintf(out, "Savepoint completed. Path: %s\nYou can resume your program from this savepoint with the run command.\n", res.Operation["location"])
			return nil
		},
	}
	cmd.Flags().StringVarP(&addr, "jobmanager", "m", defaultJobManager, "address of the engine's REST API (host:port)")
	return cmd
}

func newStopCommand() *cobra.Command {
	var addr, dir string
	var drain bool
	cmd := &cobra.Command{
		Use:   "stop [--savepointPath dir] [--drain] <jobId> [-m host:port]",
		Short: "Stop a running job with a savepoint (as flink stop)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := interruptible()
			defer stop()
			out := cmd.OutOrStdout()
			verb := "Suspending"
			if drain {
				verb = "Draining"
			}
			fmt.Fprintf(out, "%s job \"%s\" with a savepoint.\n", verb, args[0])
			body := map[string]any{"drain": drain}
			if dir != "" {
				body["targetDirectory"] = dir
			}
			var res operationResult
			if err := newRESTClient(addr).call(ctx, http.MethodPost, "/jobs/"+args[0]+"/stop", body, &res); err != nil {
				return &exitError{1, err}
			}
			fmt.Fprintf(out, "Savepoint completed. Path: %s\n", res.Operation["location"])
			return nil
		},
	}
	cmd.Flags().StringVarP(&addr, "jobmanager", "m", defaultJobManager, "address of the engine's REST API (host:port)")
	cmd.Flags().StringVarP(&dir, "savepointPath", "p", "", "target directory of the savepoint (default: the engine's state.savepoints.dir)")
	cmd.Flags().BoolVarP(&drain, "drain", "d", false, "advance event time to the end before stopping, firing every timer and window")
	return cmd
}
