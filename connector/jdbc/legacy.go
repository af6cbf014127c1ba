package jdbc

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spry-engine/spry/connector"
)

// legacyKeys maps the JDBC descriptor properties of Flink 1.9/1.10
// ('connector.type' = 'jdbc') to the current options.
var legacyKeys = map[string]string{
	"connector.url":                        OptURL,
	"connector.table":                      OptTableName,
	"connector.driver":                     OptDriver,
	"connector.username":                   OptUsername,
	"connector.password":                   OptPassword,
	"connector.read.partition.column":      OptPartitionColumn,
	"connector.read.partition.num":         OptPartitionNum,
	"connector.read.partition.lower-bound": OptPartitionLower,
	"connector.read.partition.upper-bound": OptPartitionUpper,
	"connector.read.fetch-size":            OptFetchSize,
	"connector.lookup.cache.max-rows":      OptLegacyCacheMaxRows,
	"connector.lookup.cache.ttl":           OptLegacyCacheTTL,
	"connector.lookup.max-retries":         OptLookupMaxRetries,
	"connector.write.flush.max-rows":       OptSinkFlushMaxRows,
	"connector.write.flush.interval":       OptSinkFlushInterval,
	"connector.write.max-retries":          OptSinkMaxRetries,
}

func init() { connector.RegisterLegacy("jdbc", translateLegacy) }

// translateLegacy rewrites 'connector.type' = 'jdbc' options.
func translateLegacy(old map[string]string) (map[string]string, error) {
	out := map[string]string{"connector": Factory.Name}
	for k, v := range old {
		switch k {
		case "connector.type", "connector.property-version":
			continue
		}
		nk, ok := legacyKeys[k]
		if !ok {
			keys := make([]string, 0, len(legacyKeys))
			for lk := range legacyKeys {
				keys = append(keys, lk)
			}
			sort.Strings(keys)
			return nil, &connector.ValidationError{Msg: fmt.Sprintf("unsupported legacy JDBC option '%s'.\n\nSupported legacy options:\n\n%s",
				k, strings.Join(keys, "\n"))}
		}
		out[nk] = v
	}
	return out, nil
}
