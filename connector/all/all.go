// Package all links every built-in connector and format into a binary:
// import it for its side effects (each package registers itself in init).
package all

import (
	_ "github.com/spry-engine/spry/connector/blackhole"  // 'blackhole' sink
	_ "github.com/spry-engine/spry/connector/datagen"    // 'datagen' source
	_ "github.com/spry-engine/spry/connector/filesystem" // 'filesystem' source and sink
	_ "github.com/spry-engine/spry/connector/jdbc"       // 'jdbc' source, sink and lookup source
	_ "github.com/spry-engine/spry/connector/kafka"      // 'kafka' and 'upsert-kafka' sources and sinks
	_ "github.com/spry-engine/spry/connector/nexmark"    // 'nexmark' benchmark source
	_ "github.com/spry-engine/spry/connector/print"      // 'print' sink
	_ "github.com/spry-engine/spry/connector/script"     // 'script' test source (time-scripted tests)
	_ "github.com/spry-engine/spry/connector/values"     // 'values' test source and sink
	_ "github.com/spry-engine/spry/format/avro"          // 'avro' and 'avro-confluent' formats
	_ "github.com/spry-engine/spry/format/canal"         // 'canal-json' changelog format
	_ "github.com/spry-engine/spry/format/csv"           // 'csv' format
	_ "github.com/spry-engine/spry/format/debezium"      // 'debezium-json' changelog format
	_ "github.com/spry-engine/spry/format/json"          // 'json' format
	_ "github.com/spry-engine/spry/format/raw"           // 'raw' format
)
