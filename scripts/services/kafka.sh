#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft combined broker+controller) for Spry's
# integration tests, on 127.0.0.1:19092 (controller 19093).
#
#   scripts/services/kafka.sh up|down|status|env
#
# The broker's jars come from Maven Central through scripts/services/kafka-pom.xml
# (a pinned kafka_2.13) into .services/kafka/libs, fetched once and reused.
# Data, config and logs live under .services/kafka. Idempotent: `up` on a
# running broker only checks it answers; `down` on a stopped one does nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${SPRY_SERVICES_DIR:-$ROOT/.services}/kafka"
POM="$ROOT/scripts/services/kafka-pom.xml"
HOST=127.0.0.1
PORT="${SPRY_KAFKA_PORT:-19092}"
CPORT="${SPRY_KAFKA_CONTROLLER_PORT:-19093}"
VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")"
PIDFILE="$DIR/kafka.pid"
START_TIMEOUT="${SPRY_KAFKA_START_TIMEOUT:-60}"

say() { echo "kafka: $*"; }

# port_open reports whether something accepts TCP connections on HOST:$1.
port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

running() { [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

fetch() {
  if [[ -f "$DIR/libs/kafka_2.13-$VERSION.jar" ]]; then
    return
  fi
  command -v mvn >/dev/null || { say "Maven (mvn) is needed to fetch the Kafka jars: apt-get install -y maven"; exit 1; }
  say "fetching org.apache.kafka:kafka_2.13:$VERSION and its dependencies with Maven into $DIR/libs"
  rm -rf "$DIR/libs.tmp"
  mvn -q -B -f "$POM" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$DIR/libs.tmp" >"$DIR/mvn.log" 2>&1 || { tail -30 "$DIR/mvn.log"; say "Maven failed (log: $DIR/mvn.log)"; exit 1; }
  rm -rf "$DIR/libs" && mv "$DIR/libs.tmp" "$DIR/libs"
}

configure() {
  cat >"$DIR/server.properties" <<PROPS
# Written by scripts/services/kafka.sh; edits are overwritten on the next up.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CPORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DIR/data
auto.create.topics.enable=true
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.segment.bytes=1048576
log.retention.hours=24
log.retention.check.interval.ms=60000
PROPS
  cat >"$DIR/log4j2.properties" <<PROPS
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=$DIR/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=INFO
logger.apache.name=org.apache.kafka
logger.apache.level=WARN
PROPS
}

java_run() {
  java -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$DIR/log4j2.properties" -cp "$DIR/libs/*" "$@"
}

up() {
  mkdir -p "$DIR"
  if running && port_open "$PORT"; then
    say "already running (pid $(cat "$PIDFILE")) on $HOST:$PORT"
    return
  fi
  if port_open "$PORT"; then
    say "port $PORT is taken by another process; stop it or set SPRY_KAFKA_PORT"
    exit 1
  fi
  command -v java >/dev/null || { say "Java 17 is needed: apt-get install -y openjdk-17-jre-headless"; exit 1; }
  fetch
  configure
  if [[ ! -f "$DIR/data/meta.properties" ]]; then
    say "formatting storage in $DIR/data"
    rm -rf "$DIR/data"
    local id
    id="$(java_run kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    java_run kafka.tools.StorageTool format -t "$id" -c "$DIR/server.properties" >"$DIR/format.log" 2>&1 ||
      { cat "$DIR/format.log"; say "formatting failed"; exit 1; }
  fi
  say "starting Kafka $VERSION (KRaft, node 1) on $HOST:$PORT, logs in $DIR/server.log"
  : >"$DIR/server.log"
  # C1 only and the serial collector: the broker starts seconds sooner on
  # a small busy machine, and test traffic needs no peak throughput.
  setsid nohup java -Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$DIR/log4j2.properties" -cp "$DIR/libs/*" \
    kafka.Kafka "$DIR/server.properties" >"$DIR/kafka.out" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  local start=$SECONDS
  until port_open "$PORT" && grep -q "Kafka Server started" "$DIR/server.log"; do
    if ! running; then
      tail -30 "$DIR/kafka.out" "$DIR/server.log" || true
      say "the broker exited during start-up"
      exit 1
    fi
    if ((SECONDS - start > START_TIMEOUT)); then
      tail -30 "$DIR/server.log" || true
      say "the broker did not answer within ${START_TIMEOUT}s"
      exit 1
    fi
    sleep 0.3
  done
  say "ready after $((SECONDS - start))s (pid $(cat "$PIDFILE"))"
}

down() {
  if ! running; then
    say "not running"
    rm -f "$PIDFILE"
    return
  fi
  local pid
  pid="$(cat "$PIDFILE")"
  say "stopping pid $pid"
  kill "$pid"
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still running after 20s; killing pid $pid"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
}

status() {
  if running && port_open "$PORT"; then
    say "running (pid $(cat "$PIDFILE")) on $HOST:$PORT"
  elif running; then
    say "process $(cat "$PIDFILE") alive but $HOST:$PORT not answering"
    return 1
  else
    say "stopped"
    return 1
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  env) echo "export SPRY_KAFKA_BOOTSTRAP=$HOST:$PORT" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
