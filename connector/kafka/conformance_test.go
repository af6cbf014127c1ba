package kafka_test

import (
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/conformance"
	"github.com/spry-engine/spry/connector/kafka"
	"github.com/spry-engine/spry/connector/kafka/kafkatest"
	"github.com/spry-engine/spry/types"
)

func harness(bootstrap string) conformance.Harness {
	return conformance.Harness{
		Factory: kafka.Factory,
		NewTable: func(t *testing.T, s *types.Schema) *connector.Table {
			topic := kafkatest.Topic(t)
			kafkatest.CreateTopic(t, bootstrap, topic, 3)
			return &connector.Table{Name: "conformance." + topic, Schema: s, Options: map[string]string{
				"connector": "kafka", "topic": topic, "properties.bootstrap.servers": bootstrap,
				"key.format": "json", "key.fields": "part", "value.format": "json",
				"scan.startup.mode": "earliest-offset", "scan.bounded.mode": "latest-offset",
			}}
		},
		OrderedByPart: true,
	}
}

func TestConformanceFake(t *testing.T) { conformance.Run(t, harness(kafkatest.Fake(t))) }

func TestConformanceBroker(t *testing.T) { conformance.Run(t, harness(kafkatest.Broker(t))) }
