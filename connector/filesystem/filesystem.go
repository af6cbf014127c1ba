// Package filesystem is Flink's 'filesystem' connector: a source reading
// every file under 'path' in a format (csv, json, ...) and a sink writing
// part files into the directory 'path'.
//
// The source splits the files among subtasks and is bounded, unless
// 'source.monitor-interval' is set: then it keeps watching the directory
// for new files. A bounded source also cuts large files of line-based
// formats into byte ranges read by different subtasks, as Flink's file
// splits, so one big file is read on every core (see split.go for how CSV
// quotes are kept safe). The sink writes hidden in-progress files and renames them
// to part-<uuid>-<subtask>-<n> when they roll or the job finishes, so
// readers never see partial files; in a job with checkpoints a rolled
// file waits for the next checkpoint to complete (sink_checkpoint.go), and
// the source stores its byte offsets (source_checkpoint.go). PARTITIONED
// BY tables are stored in Hive-style k=v directories (partition*.go).
package filesystem

import (
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// Option keys.
const (
	OptPath                = "path"
	OptFormat              = "format"
	OptMonitorInterval     = "source.monitor-interval"
	OptRollingFileSize     = "sink.rolling-policy.file-size"
	OptRolloverInterval    = "sink.rolling-policy.rollover-interval"
	OptRollingCheck        = "sink.rolling-policy.check-interval"
	OptInactivityInterval  = "sink.rolling-policy.inactivity-interval"
	OptPartitionDefault    = "partition.default-name"
	defaultRollingFileSize = "128MB"
	defaultRollover        = "30 min"
	defaultInactivity      = "30 min"
)

// Factory is the filesystem connector.
var Factory = &connector.Factory{
	Name: "filesystem",
	Description: "Reads and writes files in a directory (or one file) in a format such as csv or json. " +
		"The sink writes hidden in-progress part files; a rolled file becomes visible as part-<uuid>-<subtask>-<n> when the job " +
		"finishes or, in a job with checkpointing, when the first checkpoint after its roll completes (Flink's part-file lifecycle: " +
		"exactly-once files across failures). Without checkpointing a rolled file becomes visible at once. " +
		"The source stores its read position (file, byte offset) in checkpoints.",
	FormatOption: OptFormat,
	Options: []connector.Option{
		{Key: OptPath, Type: connector.TypeString, Required: true,
			Description: "The path of a directory (or, for reading, a file)."},
		{Key: OptFormat, Type: connector.TypeString, Required: true,
			Description: "Format of the files: csv, json, ..."},
		{Key: OptMonitorInterval, Type: connector.TypeDuration,
			Description: "The interval in which the source checks for new files. The interval must be greater than 0. Each file is uniquely identified by its path, and will be processed once, as soon as it's discovered. If not set, the source is bounded."},
		{Key: OptPartitionDefault, Type: connector.TypeString, Default: "__DEFAULT_PARTITION__",
			Description: "The default partition name in case the dynamic partition column value is null/empty string"},
		{Key: OptRollingFileSize, Type: connector.TypeMemory, Default: defaultRollingFileSize,
			Description: "The maximum part file size before rolling (checked on every row and at every checkpoint)."},
		{Key: OptRolloverInterval, Type: connector.TypeDuration, Default: defaultRollover,
			Description: "The maximum time duration a part file can stay open before rolling (by default long enough to avoid too many small files). The frequency at which this is checked is controlled by the 'sink.rolling-policy.check-interval' option."},
		{Key: OptRollingCheck, Type: connector.TypeDuration, Default: "1 min",
			Description: "The interval for checking time based rolling policies (Spry checks them on every write and every checkpoint, and paces process-time partition commits by it)."},
		{Key: OptInactivityInterval, Type: connector.TypeDuration, Default: "30 min",
			Description: "The maximum time duration a part file can stay inactive (receive no rows) before rolling."},
		{Key: "sink.parallelism", Type: connector.TypeInt,
			Description: "Parallelism of writing files into external file system."},
		{Key: "auto-compaction", Type: connector.TypeBool, Default: "false",
			Description: "Whether to enable automatic compaction in streaming sink (accepted for compatibility)."},
	},
	NewSource: newSource,
	NewSink:   newSink,
	// The source reads only projected columns (CSV converts no others).
	SupportsProjection: true,
	SourceBounded: func(opts map[string]string) bool {
		_, monitor := opts[OptMonitorInterval]
		return !monitor
	},
	// A changelog format (debezium-json, canal-json) makes the table an
	// updating source and sink, as in Flink.
	SourceMode: func(opts map[string]string) types.ChangelogMode { return format.ChangelogMode(OptFormat, opts) },
	SinkMode:   func(opts map[string]string) types.ChangelogMode { return format.SinkChangelogMode(OptFormat, opts) },
}

func init() { connector.Register(Factory) }

// hidden reports whether a file or directory is skipped, as Flink skips
// names starting with '.' or '_' (in-progress files, _SUCCESS markers).
func hidden(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// listFiles returns the visible regular files under root (or root itself
// if it is a file), sorted.
func listFiles(root string) ([]string, error) {
	root, err := localPath(root)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{root}, nil
	}
	var out []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root && hidden(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// owner is the subtask reading a file: a hash of its path, so that files
// discovered later are assigned the same way by every subtask.
func owner(path string, parallelism int) int {
	h := fnv.New32a()
	h.Write([]byte(path))
	return int(h.Sum32() % uint32(max(parallelism, 1)))
}

// ParseMemorySize parses Flink's memory sizes: "128MB", "64 kb", "1g",
// a bare number of bytes.
func ParseMemorySize(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
	if i == 0 {
		return 0, fmt.Errorf("could not parse %q as a memory size (e.g. '128 mb')", v)
	}
	if i < 0 {
		i = len(s)
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("could not parse %q as a memory size", v)
	}
	mult := map[string]int64{"": 1, "b": 1, "bytes": 1, "k": 1 << 10, "kb": 1 << 10, "kibibytes": 1 << 10,
		"m": 1 << 20, "mb": 1 << 20, "mebibytes": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gibibytes": 1 << 30,
		"t": 1 << 40, "tb": 1 << 40, "tebibytes": 1 << 40}[strings.TrimSpace(s[i:])]
	if mult == 0 {
		return 0, fmt.Errorf("could not parse %q as a memory size: unknown unit", v)
	}
	return n * mult, nil
}

// checkInsertOnly rejects changelog rows: files hold only inserts.
func checkInsertOnly(table string, b *types.Batch) error {
	if !b.InsertOnly() {
		return fmt.Errorf("table %s: the filesystem sink accepts only inserts (+I), got a changelog", table)
	}
	return nil
}

// localPath turns a 'path' option into a local file path: a plain path,
// or a file: URI (file:///data/x, file:/data/x) as Flink accepts. Other
// schemes (s3://, hdfs://) name file systems Spry does not read yet.
func localPath(p string) (string, error) {
	i := strings.Index(p, ":")
	if i <= 1 || strings.ContainsAny(p[:i], "/\\") {
		return p, nil // no scheme (a Windows drive letter is not one)
	}
	u, err := url.Parse(p)
	if err != nil {
		return "", fmt.Errorf("invalid path '%s': %v", p, err)
	}
	if !strings.EqualFold(u.Scheme, "file") {
		return "", fmt.Errorf("could not find a file system implementation for scheme '%s' in path '%s': the filesystem connector reads local paths and file:// URIs", u.Scheme, p)
	}
	if u.Path == "" {
		return u.Opaque, nil
	}
	return u.Path, nil
}
