package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// ConnectError is a broker that could not be reached when the job started:
// it names the option and the servers so the user knows what to fix.
type ConnectError struct {
	Table   string
	Servers string
	Err     error
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("table %s: cannot reach Kafka at '%s' = '%s': %v", e.Table, OptBootstrap, e.Servers, e.Err)
}

// Unwrap returns the client's error.
func (e *ConnectError) Unwrap() error { return e.Err }

// connectTimeout bounds the first contact with the brokers, so a wrong
// address fails the job within seconds instead of hanging.
const connectTimeout = 5 * time.Second

// propertyOpts maps Kafka client properties to franz-go options; keys
// absent here are accepted and ignored (the docs list these).
var propertyOpts = map[string]func(v string) (kgo.Opt, error){
	"client.id": func(v string) (kgo.Opt, error) { return kgo.ClientID(v), nil },
	"request.timeout.ms": func(v string) (kgo.Opt, error) {
		d, err := millis(v)
		return kgo.RequestTimeoutOverhead(d), err
	},
	"retry.backoff.ms": func(v string) (kgo.Opt, error) {
		d, err := millis(v)
		return kgo.RetryBackoffFn(func(int) time.Duration { return d }), err
	},
	"metadata.max.age.ms": func(v string) (kgo.Opt, error) {
		d, err := millis(v)
		return kgo.MetadataMaxAge(d), err
	},
	"fetch.max.wait.ms": func(v string) (kgo.Opt, error) {
		d, err := millis(v)
		return kgo.FetchMaxWait(d), err
	},
	"fetch.min.bytes": func(v string) (kgo.Opt, error) {
		n, err := strconv.Atoi(v)
		return kgo.FetchMinBytes(int32(n)), err
	},
	"fetch.max.bytes": func(v string) (kgo.Opt, error) {
		n, err := strconv.Atoi(v)
		return kgo.FetchMaxBytes(int32(n)), err
	},
	"max.partition.fetch.bytes": func(v string) (kgo.Opt, error) {
		n, err := strconv.Atoi(v)
		return kgo.FetchMaxPartitionBytes(int32(n)), err
	},
	"isolation.level": func(v string) (kgo.Opt, error) {
		switch strings.ToLower(v) {
		case "read_committed":
			return kgo.FetchIsolationLevel(kgo.ReadCommitted()), nil
		case "read_uncommitted":
			return kgo.FetchIsolationLevel(kgo.ReadUncommitted()), nil
		}
		return nil, fmt.Errorf("expected read_committed or read_uncommitted")
	},
	"linger.ms": func(v string) (kgo.Opt, error) {
		d, err := millis(v)
		return kgo.ProducerLinger(d), err
	},
	"batch.size": func(v string) (kgo.Opt, error) {
		n, err := strconv.Atoi(v)
		return kgo.ProducerBatchMaxBytes(int32(n)), err
	},
	"max.request.size": func(v string) (kgo.Opt, error) {
		n, err := strconv.Atoi(v)
		return kgo.ProducerBatchMaxBytes(int32(n)), err
	},
	"retries": func(v string) (kgo.Opt, error) {
		n, err := strconv.Atoi(v)
		return kgo.RecordRetries(n), err
	},
	"acks": func(v string) (kgo.Opt, error) {
		switch strings.ToLower(v) {
		case "all", "-1":
			return kgo.RequiredAcks(kgo.AllISRAcks()), nil
		case "1":
			return kgo.RequiredAcks(kgo.LeaderAck()), nil
		case "0":
			return kgo.RequiredAcks(kgo.NoAck()), nil
		}
		return nil, fmt.Errorf("expected all, -1, 1 or 0")
	},
	"enable.idempotence": func(v string) (kgo.Opt, error) {
		if strings.EqualFold(v, "false") {
			return kgo.DisableIdempotentWrite(), nil
		}
		return nil, nil
	},
	"compression.type": func(v string) (kgo.Opt, error) {
		c := map[string]kgo.CompressionCodec{"none": kgo.NoCompression(), "gzip": kgo.GzipCompression(),
			"snappy": kgo.SnappyCompression(), "lz4": kgo.Lz4Compression(), "zstd": kgo.ZstdCompression()}
		codec, ok := c[strings.ToLower(v)]
		if !ok {
			return nil, fmt.Errorf("expected none, gzip, snappy, lz4 or zstd")
		}
		return kgo.ProducerBatchCompression(codec), nil
	},
}

// defaultDeliveryTimeout is Kafka's producer default delivery.timeout.ms.
const defaultDeliveryTimeout = 2 * time.Minute

// deliveryTimeout is properties.delivery.timeout.ms, or Kafka's default.
func (c *config) deliveryTimeout() (time.Duration, error) {
	v, ok := c.props["delivery.timeout.ms"]
	if !ok {
		return defaultDeliveryTimeout, nil
	}
	d, err := millis(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("invalid value '%s' for 'properties.delivery.timeout.ms': expected a positive number of milliseconds", v)
	}
	return d, nil
}

// supportedProperties lists the client properties that take effect,
// besides bootstrap.servers and group.id (for the docs).
func supportedProperties() []string {
	out := []string{"auto.offset.reset", "enable.auto.commit", "auto.commit.interval.ms", "delivery.timeout.ms",
		"commit.offsets.on.checkpoint", "transaction.timeout.ms"}
	for k := range propertyOpts {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func millis(v string) (time.Duration, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return time.Duration(n) * time.Millisecond, err
}

// clientOpts turns the table's properties into franz-go options.
func (c *config) clientOpts(extra ...kgo.Opt) ([]kgo.Opt, error) {
	// A short metadata min age: franz-go's 5 s default delays the first
	// writes to a topic just created (its leader is not elected yet) by 5 s;
	// Kafka's Java client retries after retry.backoff.ms (100 ms).
	// The sink maps delivery.timeout.ms itself (Sink.Open); the producer
	// retries with back-off until then, or 'properties.retries' tries.
	opts := []kgo.Opt{kgo.SeedBrokers(c.bootstrap...), kgo.DialTimeout(connectTimeout), kgo.MetadataMinAge(250 * time.Millisecond)}
	keys := make([]string, 0, len(c.props))
	for k := range c.props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, ok := propertyOpts[k]
		if !ok {
			continue
		}
		o, err := f(strings.TrimSpace(c.props[k]))
		if err != nil {
			return nil, &ConfigError{Table: c.table, Msg: fmt.Sprintf("invalid value '%s' for 'properties.%s': %v", c.props[k], k, err)}
		}
		if o != nil {
			opts = append(opts, o)
		}
	}
	return append(opts, extra...), nil
}

// newClient builds a client and checks that a broker answers within
// connectTimeout.
func (c *config) newClient(ctx context.Context, extra ...kgo.Opt) (*kgo.Client, error) {
	opts, err := c.clientOpts(extra...)
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, &ConnectError{Table: c.table, Servers: strings.Join(c.bootstrap, ","), Err: err}
	}
	pctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := cl.Ping(pctx); err != nil {
		cl.Close()
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no broker answered within %s", connectTimeout)
		}
		return nil, &ConnectError{Table: c.table, Servers: strings.Join(c.bootstrap, ","), Err: err}
	}
	return cl, nil
}
