package kafka

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spry-engine/spry/connector"
)

// ConfigError is a WITH clause that validates option by option but does
// not make a usable Kafka table (a missing companion option, a bad offset
// list, ...).
type ConfigError struct {
	Table string
	Msg   string
}

func (e *ConfigError) Error() string { return fmt.Sprintf("table %s: %s", e.Table, e.Msg) }

// config is a table's options, parsed once.
type config struct {
	table     string
	topics    []string
	pattern   *regexp.Regexp
	bootstrap []string
	groupID   string
	props     map[string]string // properties.* without the prefix

	startMode      string
	startOffsets   map[int32]int64
	startTimestamp int64
	boundMode      string
	boundOffsets   map[int32]int64
	boundTimestamp int64
	discovery      time.Duration
	upsert         bool
}

func parseConfig(t *connector.Table, upsert bool) (*config, error) {
	o := t.Options
	c := &config{table: t.Name, props: map[string]string{}, upsert: upsert,
		startMode: strings.ToLower(o[OptStartupMode]), boundMode: strings.ToLower(o[OptBoundedMode])}
	bad := func(f string, a ...any) error { return &ConfigError{Table: t.Name, Msg: fmt.Sprintf(f, a...)} }
	for k, v := range o {
		if p, ok := strings.CutPrefix(k, "properties."); ok {
			c.props[p] = v
		}
	}
	for _, s := range strings.Split(o[OptBootstrap], ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.bootstrap = append(c.bootstrap, s)
		}
	}
	if len(c.bootstrap) == 0 {
		return nil, bad("option '%s' is empty", OptBootstrap)
	}
	if sp := strings.ToUpper(c.props["security.protocol"]); sp != "" && sp != "PLAINTEXT" {
		return nil, bad("'properties.security.protocol' = '%s' is not supported yet (only PLAINTEXT)", c.props["security.protocol"])
	}
	c.groupID = o[OptGroupID]
	for _, s := range strings.Split(o[OptTopic], ";") {
		if s = strings.TrimSpace(s); s != "" {
			c.topics = append(c.topics, s)
		}
	}
	if p, ok := o[OptTopicPattern]; ok {
		if len(c.topics) > 0 {
			return nil, bad("Option 'topic' and 'topic-pattern' shouldn't be set together.")
		}
		re, err := regexp.Compile("^(?:" + p + ")$")
		if err != nil {
			return nil, bad("invalid 'topic-pattern' %q: %v", p, err)
		}
		c.pattern = re
	}
	if c.startMode == "" {
		c.startMode = ModeGroup
		if upsert {
			c.startMode = ModeEarliest // upsert-kafka always reads the whole compacted topic
		}
	}
	if c.boundMode == "" {
		c.boundMode = ModeUnbounded
	}
	var err error
	switch c.startMode {
	case ModeSpecific:
		if c.startOffsets, err = parseOffsets(o[OptStartupOffsets], OptStartupOffsets); err != nil {
			return nil, bad("%v", err)
		}
	case ModeTimestamp:
		if c.startTimestamp, err = requiredInt(o, OptStartupTimestamp, OptStartupMode); err != nil {
			return nil, bad("%v", err)
		}
	}
	switch c.boundMode {
	case ModeSpecific:
		if c.boundOffsets, err = parseOffsets(o[OptBoundedOffsets], OptBoundedOffsets); err != nil {
			return nil, bad("%v", err)
		}
	case ModeTimestamp:
		if c.boundTimestamp, err = requiredInt(o, OptBoundedTimestamp, OptBoundedMode); err != nil {
			return nil, bad("%v", err)
		}
	}
	c.discovery = 5 * time.Minute
	if v, ok := o[OptDiscoveryInterval]; ok {
		if c.discovery, err = connector.ParseDuration(v); err != nil {
			return nil, bad("%v", err)
		}
	}
	return c, nil
}

// sourceCheck reports what a source needs beyond a sink: a topic and,
// for group offsets, a group.
func (c *config) sourceCheck() error {
	if len(c.topics) == 0 && c.pattern == nil {
		return &ConfigError{Table: c.table, Msg: "Either 'topic' or 'topic-pattern' must be set."}
	}
	if (c.startMode == ModeGroup || c.boundMode == ModeGroup) && c.groupID == "" {
		return &ConfigError{Table: c.table, Msg: fmt.Sprintf("'%s' is required for 'group-offsets' mode (the default '%s')", OptGroupID, OptStartupMode)}
	}
	return nil
}

// parseOffsets parses Flink's 'partition:0,offset:42;partition:1,offset:300'.
func parseOffsets(v, key string) (map[int32]int64, error) {
	if strings.TrimSpace(v) == "" {
		return nil, fmt.Errorf("option '%s' is required for 'specific-offsets' mode", key)
	}
	out := map[int32]int64{}
	for _, pair := range strings.Split(v, ";") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		ps, os, ok := strings.Cut(pair, ",")
		pv, ok1 := strings.CutPrefix(strings.TrimSpace(ps), "partition:")
		ov, ok2 := strings.CutPrefix(strings.TrimSpace(os), "offset:")
		p, err1 := strconv.ParseInt(strings.TrimSpace(pv), 10, 32)
		off, err2 := strconv.ParseInt(strings.TrimSpace(ov), 10, 64)
		if !ok || !ok1 || !ok2 || err1 != nil || err2 != nil || p < 0 || off < 0 {
			return nil, fmt.Errorf("invalid properties '%s' should follow the format 'partition:0,offset:42;partition:1,offset:300', but is '%s'", key, v)
		}
		out[int32(p)] = off
	}
	return out, nil
}

func requiredInt(o map[string]string, key, modeKey string) (int64, error) {
	v, ok := o[key]
	if !ok {
		what := "startup"
		if modeKey == OptBoundedMode {
			what = "bounded"
		}
		return 0, fmt.Errorf("'%s' is required in 'timestamp' %s mode but missing", key, what)
	}
	n, err := parseInt(v)
	if err != nil {
		return 0, fmt.Errorf("option '%s': %v", key, err)
	}
	return n, nil
}

func parseInt(v string) (int64, error) {
	return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
}
