package filesystem

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// Partition option keys (Flink's FileSystemConnectorOptions).
const (
	OptCommitTrigger      = "sink.partition-commit.trigger"
	OptCommitDelay        = "sink.partition-commit.delay"
	OptCommitWatermarkTZ  = "sink.partition-commit.watermark-time-zone"
	OptCommitPolicyKind   = "sink.partition-commit.policy.kind"
	OptCommitPolicyClass  = "sink.partition-commit.policy.class"
	OptCommitPolicyParams = "sink.partition-commit.policy.class.parameters"
	OptSuccessFileName    = "sink.partition-commit.success-file.name"
	OptExtractorKind      = "partition.time-extractor.kind"
	OptExtractorClass     = "partition.time-extractor.class"
	OptExtractorPattern   = "partition.time-extractor.timestamp-pattern"
	OptExtractorFormatter = "partition.time-extractor.timestamp-formatter"
	OptShuffleByPartition = "sink.shuffle-by-partition.enable"

	defaultPartitionName = "__DEFAULT_PARTITION__"
	defaultSuccessFile   = "_SUCCESS"
	defaultTSFormatter   = "yyyy-MM-dd HH:mm:ss"
)

// partitionOptions are the option specs of partitioned tables, appended to
// the factory's options.
var partitionOptions = []connector.Option{
	{Key: OptCommitTrigger, Type: connector.TypeEnum, Default: "process-time", Enum: []string{"process-time", "partition-time"},
		Description: "Trigger type for partition commit: 'process-time': based on the time of the machine, it neither requires partition time extraction nor watermark generation; a partition is committed once the current system time passes the partition's creation time plus 'delay'. 'partition-time': based on the time extracted from partition values; a partition is committed once the watermark passes that time plus 'delay'. Bounded jobs commit every partition at end of input."},
	{Key: OptCommitDelay, Type: connector.TypeDuration, Default: "0 s",
		Description: "The partition will not commit until the delay time. For a daily partition use '1 d', for an hourly one '1 h'."},
	{Key: OptCommitWatermarkTZ, Type: connector.TypeString, Default: "UTC",
		Description: "The time zone used to turn a TIMESTAMP_LTZ watermark into a TIMESTAMP to compare with partition times (only with the 'partition-time' trigger), e.g. 'America/Los_Angeles' or 'GMT-08:00'."},
	{Key: OptCommitPolicyKind, Type: connector.TypeString,
		Description: "Policies committing a partition, comma separated: 'success-file' writes the success file into the partition directory. 'metastore' needs a Hive table (an error for a filesystem table, as in Flink); 'custom' classes are not supported."},
	{Key: OptCommitPolicyClass, Type: connector.TypeString,
		Description: "The class of a 'custom' commit policy (Java classes are not supported; an error when the 'custom' policy is used)."},
	{Key: OptCommitPolicyParams, Type: connector.TypeString,
		Description: "Parameters of the 'custom' commit policy class (accepted for compatibility)."},
	{Key: OptSuccessFileName, Type: connector.TypeString, Default: defaultSuccessFile,
		Description: "The file name of the 'success-file' commit policy."},
	{Key: OptExtractorKind, Type: connector.TypeEnum, Default: "default", Enum: []string{"default", "custom"},
		Description: "Time extractor extracting the time from partition values: 'default' (set 'timestamp-pattern'/'timestamp-formatter'); 'custom' classes are not supported."},
	{Key: OptExtractorClass, Type: connector.TypeString,
		Description: "The class of a 'custom' time extractor (not supported)."},
	{Key: OptExtractorPattern, Type: connector.TypeString,
		Description: "How the 'default' extractor builds a timestamp from partition values: '$name' is replaced by the value of partition column name, e.g. '$dt $hour:00:00'. By default the first partition column's value is used."},
	{Key: OptExtractorFormatter, Type: connector.TypeString, Default: defaultTSFormatter,
		Description: "The pattern (Java DateTimeFormatter letters) parsing the string built by 'timestamp-pattern'."},
	{Key: OptShuffleByPartition, Type: connector.TypeBool, Default: "false",
		Description: "Shuffle rows by their dynamic partition columns before the sink (accepted for compatibility; every sink subtask writes every partition it receives)."},
}

// escapeChars are the bytes Flink's (and Hive's) PartitionPathUtils
// escape in partition names and values, so a value cannot break the path.
var escapeChars = func() (t [128]bool) {
	for c := 1; c < 0x20; c++ {
		t[c] = true
	}
	for _, c := range "\"#%'*/:=?\\\x7f{[]^" {
		t[c] = true
	}
	return t
}()

// escapePathName escapes s for a k=v directory name as Flink does: each
// special byte becomes %XX (upper-case hex).
func escapePathName(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 128 && escapeChars[c] {
			dst = append(dst, '%', hex[c>>4], hex[c&15])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// unescapePathName reverses escapePathName; a '%' not followed by two hex
// digits stays as it is (Flink's unescapePathName).
func unescapePathName(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if h, ok := unhex(s[i+1]); ok {
				if l, ok := unhex(s[i+2]); ok {
					b.WriteByte(h<<4 | l)
					i += 2
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// partitionPath returns the relative directory "k1=v1/k2=v2" of values
// (one per key; NULL, given as "", empty or blank values get the default
// name, as Flink's RowDataPartitionComputer).
func partitionPath(keys, values []string, defaultName string) string {
	var b []byte
	for i, k := range keys {
		if i > 0 {
			b = append(b, filepath.Separator)
		}
		b = escapePathName(b, k)
		b = append(b, '=')
		v := values[i]
		if strings.TrimSpace(v) == "" { // Flink: null or whitespace only
			v = defaultName
		}
		b = escapePathName(b, v)
	}
	return string(b)
}

// parsePartitionPath reads the k=v directory names of rel (a file's path
// relative to the table's root, file name included) for the partition
// keys, in key order. ok is false when a key has no directory.
func parsePartitionPath(rel string, keys []string) (values []string, ok bool) {
	dirs := strings.Split(filepath.ToSlash(filepath.Dir(rel)), "/")
	values = make([]string, len(keys))
	found := 0
	for _, d := range dirs {
		k, v, has := strings.Cut(d, "=")
		if !has {
			continue
		}
		k = unescapePathName(k)
		for i, key := range keys {
			if key == k {
				values[i] = unescapePathName(v)
				found++
				break
			}
		}
	}
	return values, found == len(keys)
}

// partitionLayout splits a table's schema into the data columns written
// into files and the partition columns written as directories.
type partitionLayout struct {
	keys     []string
	keyCols  []int // Schema index of each partition key
	dataCols []int // Schema indexes of the other columns, in order
	data     *types.Schema
}

func newPartitionLayout(t *connector.Table) (*partitionLayout, error) {
	l := &partitionLayout{keys: t.PartitionKeys}
	isKey := make([]bool, t.Schema.Len())
	for _, k := range t.PartitionKeys {
		i := t.Schema.Index(k)
		if i < 0 {
			return nil, &connector.ValidationError{Table: t.Name, Msg: fmt.Sprintf("partition column '%s' is not a physical column of the table", k)}
		}
		isKey[i] = true
		l.keyCols = append(l.keyCols, i)
	}
	var fs []types.Field
	for i, f := range t.Schema.Fields {
		if !isKey[i] {
			l.dataCols = append(l.dataCols, i)
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return nil, &connector.ValidationError{Table: t.Name, Msg: "a partitioned filesystem table needs at least one column that is not a partition column"}
	}
	l.data = types.NewSchema(fs...)
	return l, nil
}

// dataTable is t narrowed to the data columns, for the format.
func (l *partitionLayout) dataTable(t *connector.Table) *connector.Table {
	d := *t
	d.Schema, d.PartitionKeys, d.PrimaryKey, d.Projection, d.Filters, d.Metadata = l.data, nil, nil, nil, nil, nil
	return &d
}

func init() {
	Factory.Options = append(Factory.Options, partitionOptions...)
	Factory.Description += " A PARTITIONED BY table keeps each partition in a Hive-style directory path/k1=v1/k2=v2/ " +
		"(values escaped as Flink's PartitionPathUtils, NULL or blank in 'partition.default-name'); the files hold the other columns. " +
		"Reading fills the partition columns from the directory names. INSERT OVERWRITE replaces only the partitions the job writes. " +
		"A partition is committed (its files made visible, with the 'success-file' policy a success file written) by the commit trigger, " +
		"and at the end of a bounded job once every sink subtask has finished."
}
