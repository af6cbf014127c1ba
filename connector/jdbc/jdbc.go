// Package jdbc is Flink's 'jdbc' connector on Go database drivers: a
// bounded scan source (parallel over ranges of a partition column), a
// sink that appends, or upserts and deletes by primary key, and a lookup
// source with Flink's PARTIAL cache for lookup joins.
//
// The 'url' option keeps Flink's JDBC syntax and picks the driver:
// jdbc:mysql:// and jdbc:mariadb:// use go-sql-driver/mysql,
// jdbc:postgresql:// uses pgx, jdbc:sqlite: uses modernc.org/sqlite (no
// server). With checkpoints, upserts are replay-safe and an append sink
// can be exactly-once without XA ('sink.delivery-guarantee',
// exactly_once.go). Every statement is parameterized; the password never appears in
// errors, logs or plans (errors name the url without credentials).
package jdbc

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// Option keys, Flink's names.
const (
	OptURL                 = "url"
	OptTableName           = "table-name"
	OptDriver              = "driver"
	OptUsername            = "username"
	OptPassword            = "password"
	OptMaxRetryTimeout     = "connection.max-retry-timeout"
	OptPartitionColumn     = "scan.partition.column"
	OptPartitionNum        = "scan.partition.num"
	OptPartitionLower      = "scan.partition.lower-bound"
	OptPartitionUpper      = "scan.partition.upper-bound"
	OptFetchSize           = "scan.fetch-size"
	OptAutoCommit          = "scan.auto-commit"
	OptLookupCache         = "lookup.cache"
	OptCacheMaxRows        = "lookup.partial-cache.max-rows"
	OptCacheExpireWrite    = "lookup.partial-cache.expire-after-write"
	OptCacheExpireAccess   = "lookup.partial-cache.expire-after-access"
	OptCacheMissingKey     = "lookup.partial-cache.cache-missing-key"
	OptLegacyCacheMaxRows  = "lookup.cache.max-rows"
	OptLegacyCacheTTL      = "lookup.cache.ttl"
	OptLegacyCacheMissing  = "lookup.cache.caching-missing-key"
	OptLookupMaxRetries    = "lookup.max-retries"
	OptSinkFlushMaxRows    = "sink.buffer-flush.max-rows"
	OptSinkFlushInterval   = "sink.buffer-flush.interval"
	OptSinkMaxRetries      = "sink.max-retries"
	OptSinkParallelism     = "sink.parallelism"
	OptDeliveryGuarantee   = "sink.delivery-guarantee"
	OptExactlyOnceID       = "sink.exactly-once.id"
	defaultFlushMaxRows    = 100
	defaultFlushInterval   = time.Second
	defaultMaxRetries      = 3
	defaultMaxRetryTimeout = 60 * time.Second
)

// Factory is the jdbc connector.
var Factory = &connector.Factory{
	Name: "jdbc",
	Description: "Reads from and writes to a relational database (MySQL/MariaDB, PostgreSQL, SQLite) as Flink's JDBC connector: " +
		"a bounded scan source, a sink in append mode or — when the table declares a PRIMARY KEY — upsert mode, and a lookup source " +
		"for lookup joins. See [JDBC semantics](jdbc-semantics.md) for upserts per database and the guarantee of each mode.",
	Options: []connector.Option{
		{Key: OptURL, Type: connector.TypeString, Required: true,
			Description: "The JDBC database url: jdbc:mysql://host:port/db, jdbc:mariadb://host:port/db, jdbc:postgresql://host:port/db or jdbc:sqlite:path."},
		{Key: OptTableName, Type: connector.TypeString, Required: true,
			Description: "The name of JDBC table to connect."},
		{Key: OptDriver, Type: connector.TypeString,
			Description: "The class name of the JDBC driver (accepted for compatibility and ignored: the url's scheme chooses the Go driver)."},
		{Key: OptUsername, Type: connector.TypeString,
			Description: "The JDBC user name. 'username' and 'password' must both be specified if any of them is specified."},
		{Key: OptPassword, Type: connector.TypeString,
			Description: "The JDBC password (never printed: SHOW CREATE TABLE and errors show ******)."},
		{Key: OptMaxRetryTimeout, Type: connector.TypeDuration, Default: "60s",
			Description: "Maximum timeout between retries. The timeout should be in second granularity and shouldn't be smaller than 1 second."},
		{Key: OptPartitionColumn, Type: connector.TypeString,
			Description: "The column name used for partitioning the input (a numeric column)."},
		{Key: OptPartitionNum, Type: connector.TypeInt,
			Description: "The number of partitions."},
		{Key: OptPartitionLower, Type: connector.TypeInt,
			Description: "The smallest value of the first partition."},
		{Key: OptPartitionUpper, Type: connector.TypeInt,
			Description: "The largest value of the last partition."},
		{Key: OptFetchSize, Type: connector.TypeInt, Default: "0",
			Description: "The number of rows that should be fetched from the database when reading per round trip. If the value specified is zero, then the hint is ignored."},
		{Key: OptAutoCommit, Type: connector.TypeBool, Default: "true",
			Description: "Sets the auto-commit flag on the JDBC driver, which determines whether each statement is committed in a transaction automatically (false: the scan reads in one read-only transaction)."},
		{Key: OptLookupCache, Type: connector.TypeEnum, Default: "NONE", Enum: []string{"NONE", "PARTIAL"},
			Description: "The cache strategy for the lookup table: NONE or PARTIAL (rows looked up are cached in memory)."},
		{Key: OptCacheMaxRows, Type: connector.TypeInt,
			Description: "The max number of rows of lookup cache (keys with their rows), over which the oldest entries are evicted. Only applies when 'lookup.cache' is PARTIAL."},
		{Key: OptCacheExpireWrite, Type: connector.TypeDuration,
			Description: "The max time to live for each row in lookup cache after writing into the cache."},
		{Key: OptCacheExpireAccess, Type: connector.TypeDuration,
			Description: "The max time to live for each row in lookup cache after accessing the entry in the cache."},
		{Key: OptCacheMissingKey, Type: connector.TypeBool, Default: "true",
			Description: "Whether to store an empty value into the cache if the lookup key doesn't match any rows in the table."},
		{Key: OptLegacyCacheMaxRows, Type: connector.TypeInt,
			Description: "Deprecated: the max rows of the lookup cache; setting it enables a PARTIAL cache. Use 'lookup.partial-cache.max-rows'."},
		{Key: OptLegacyCacheTTL, Type: connector.TypeDuration,
			Description: "Deprecated: the time to live after writing of the lookup cache. Use 'lookup.partial-cache.expire-after-write'."},
		{Key: OptLegacyCacheMissing, Type: connector.TypeBool,
			Description: "Deprecated: whether to cache missing keys. Use 'lookup.partial-cache.cache-missing-key'."},
		{Key: OptLookupMaxRetries, Type: connector.TypeInt, Default: "3",
			Description: "The max retry times if lookup database failed."},
		{Key: OptSinkFlushMaxRows, Type: connector.TypeInt, Default: "100",
			Description: "The max size of buffered records before flush. Can be set to zero to disable it."},
		{Key: OptSinkFlushInterval, Type: connector.TypeDuration, Default: "1s",
			Description: "The flush interval, over which buffered records are flushed (checked when records arrive, on checkpoint barriers and at the end of input). Can be set to '0' to disable it."},
		{Key: OptSinkMaxRetries, Type: connector.TypeInt, Default: "3",
			Description: "The max retry times if writing records to database failed."},
		{Key: OptSinkParallelism, Type: connector.TypeInt,
			Description: "Defines the parallelism of the JDBC sink operator (accepted; the sink runs at its input's parallelism)."},
		{Key: OptDeliveryGuarantee, Type: connector.TypeEnum, Default: "at-least-once", Enum: []string{"at-least-once", "exactly-once"},
			Description: "The delivery guarantee of an append sink (no primary key): 'at-least-once' flushes as configured and on every checkpoint, " +
				"so rows written after the last completed checkpoint are written again after a restore; 'exactly-once' keeps the rows of each " +
				"checkpoint interval in the checkpoint and writes them when the checkpoint completes, in one transaction with a marker row in the " +
				"table spry_sink_commits, so each row is written once (needs checkpointing; buffers one checkpoint interval of rows in memory). " +
				"An upsert sink (primary key) is replay-safe in either mode: a replay rewrites the same final rows."},
		{Key: OptExactlyOnceID, Type: connector.TypeString,
			Description: "The id of an exactly-once sink in the marker table spry_sink_commits (default: the 'table-name'). Give each job writing " +
				"into the same database table in exactly-once mode its own id."},
	},
	NewSource:     newSource,
	NewSink:       newSink,
	SourceBounded: func(map[string]string) bool { return true },
	// The scan reads only the columns a query needs.
	SupportsProjection: true,
	SourceParallelism:  sourceParallelism,
	SinkModeForTable:   sinkMode,
}

func init() {
	connector.Register(Factory)
	connector.RegisterLookup(Factory.Name, newLookup)
}

// sinkMode is Flink's JdbcDynamicTableSink: with a primary key the sink
// takes upserts (+I, +U, -D; -U rows are dropped by the planner), without
// one it is insert-only.
func sinkMode(t *connector.Table) types.ChangelogMode {
	if len(t.PrimaryKey) > 0 {
		return types.ModeUpsert
	}
	return types.ModeInsertOnly
}

// options are a table's parsed WITH options.
type options struct {
	url, table        string
	d                 *dialect
	maxRetryTimeout   time.Duration
	flushRows         int
	flushInterval     time.Duration
	sinkRetries       int
	lookupRetries     int
	fetchSize         int
	autoCommit        bool
	partCol           string
	partNum           int
	partLower         int64
	partUpper         int64
	partitioned       bool
	cache             bool
	cacheMaxRows      int
	cacheExpireWrite  time.Duration
	cacheExpireAccess time.Duration
	cacheMissing      bool
	exactlyOnce       bool   // sink.delivery-guarantee = exactly-once
	sinkID            string // sink.exactly-once.id
}

// parseOptions reads the (already validated) options of table t.
func parseOptions(t *connector.Table) (*options, error) {
	o := t.Options
	user, pw := o[OptUsername], o[OptPassword]
	if (user == "") != (pw == "") {
		return nil, fmt.Errorf("table %s: either all or none of the following options should be provided:\n%s\n%s", t.Name, OptUsername, OptPassword)
	}
	d, err := parseURL(o[OptURL], user, pw)
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", t.Name, err)
	}
	p := &options{url: redactURL(o[OptURL]), table: o[OptTableName], d: d,
		maxRetryTimeout: durOpt(o, OptMaxRetryTimeout, defaultMaxRetryTimeout),
		flushRows:       intOpt(o, OptSinkFlushMaxRows, defaultFlushMaxRows),
		flushInterval:   durOpt(o, OptSinkFlushInterval, defaultFlushInterval),
		sinkRetries:     intOpt(o, OptSinkMaxRetries, defaultMaxRetries),
		lookupRetries:   intOpt(o, OptLookupMaxRetries, defaultMaxRetries),
		fetchSize:       intOpt(o, OptFetchSize, 0),
		autoCommit:      boolOpt(o, OptAutoCommit, true),
	}
	if p.sinkRetries < 0 || p.lookupRetries < 0 {
		return nil, fmt.Errorf("table %s: the max retry times must be >= 0", t.Name)
	}
	if err := p.partitionOptions(t); err != nil {
		return nil, err
	}
	p.cacheOptions(o)
	p.exactlyOnce = strings.EqualFold(strings.TrimSpace(o[OptDeliveryGuarantee]), "exactly-once")
	p.sinkID = o[OptExactlyOnceID]
	if p.sinkID == "" {
		p.sinkID = p.table
	}
	return p, nil
}

// partitionOptions checks Flink's rule: all four scan.partition.* options
// or none.
func (p *options) partitionOptions(t *connector.Table) error {
	o := t.Options
	keys := []string{OptPartitionColumn, OptPartitionNum, OptPartitionLower, OptPartitionUpper}
	n := 0
	for _, k := range keys {
		if _, ok := o[k]; ok {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	if n != len(keys) {
		return fmt.Errorf("table %s: either all or none of the following options should be provided:\n%s", t.Name, strings.Join(keys, "\n"))
	}
	p.partitioned = true
	p.partCol = o[OptPartitionColumn]
	p.partNum = intOpt(o, OptPartitionNum, 1)
	p.partLower, _ = strconv.ParseInt(strings.TrimSpace(o[OptPartitionLower]), 10, 64)
	p.partUpper, _ = strconv.ParseInt(strings.TrimSpace(o[OptPartitionUpper]), 10, 64)
	if t.Schema.Index(p.partCol) < 0 {
		return fmt.Errorf("table %s: 'scan.partition.column' names %s, which is not a column of the table", t.Name, p.partCol)
	}
	switch k := t.Schema.Fields[t.Schema.Index(p.partCol)].Type.Kind; k {
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt, types.KindDecimal:
	default:
		return fmt.Errorf("table %s: 'scan.partition.column' %s must be a numeric column, found %s",
			t.Name, p.partCol, t.Schema.Fields[t.Schema.Index(p.partCol)].Type)
	}
	if p.partNum < 1 {
		return fmt.Errorf("table %s: 'scan.partition.num' must be at least 1, found %d", t.Name, p.partNum)
	}
	if p.partLower > p.partUpper {
		return fmt.Errorf("table %s: 'scan.partition.lower-bound' value %d must not be larger than 'scan.partition.upper-bound' value %d",
			t.Name, p.partLower, p.partUpper)
	}
	return nil
}

// cacheOptions reads the lookup cache options, the deprecated
// lookup.cache.* keys included (they imply PARTIAL, as in Flink).
func (p *options) cacheOptions(o map[string]string) {
	p.cache = strings.EqualFold(o[OptLookupCache], "PARTIAL")
	p.cacheMissing = boolOpt(o, OptCacheMissingKey, true)
	p.cacheMaxRows = intOpt(o, OptCacheMaxRows, 0)
	p.cacheExpireWrite = durOpt(o, OptCacheExpireWrite, 0)
	p.cacheExpireAccess = durOpt(o, OptCacheExpireAccess, 0)
	if _, ok := o[OptLegacyCacheMaxRows]; ok && o[OptLookupCache] == "" {
		p.cache = true
		p.cacheMaxRows = intOpt(o, OptLegacyCacheMaxRows, 0)
		p.cacheExpireWrite = durOpt(o, OptLegacyCacheTTL, 0)
		p.cacheMissing = boolOpt(o, OptLegacyCacheMissing, true)
	}
}

func intOpt(o map[string]string, k string, def int) int {
	if v, ok := o[k]; ok {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n
		}
	}
	return def
}

func durOpt(o map[string]string, k string, def time.Duration) time.Duration {
	if v, ok := o[k]; ok {
		if d, err := connector.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func boolOpt(o map[string]string, k string, def bool) bool {
	if v, ok := o[k]; ok {
		if b, err := connector.ParseBool(v); err == nil {
			return b
		}
	}
	return def
}
