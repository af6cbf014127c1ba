# shellcheck shell=bash
# Sourced by bench/flink/run.sh (and usable on its own: `source
# bench/flink/pyflink_env.sh && flink_env_setup`): installs, once, what
# the side-by-side runs need from outside the tree, into .bench-venv/
# (gitignored, shared with bench/python):
#
#   .bench-venv/pyflink        a venv with apache-flink==$FLINK_VERSION (PyPI)
#   .bench-venv/jars/          flink-sql-connector-kafka-$KAFKA_CONNECTOR_VERSION.jar
#                              (Maven Central, SHA-1 checked) and nexmark-udf.jar
#                              (q14's CountChar, compiled here from bench/flink/udf/)
#
# and exports FLINK_PY (the venv's python), FLINK_JARS (file: URLs joined by
# ';', for pipeline.jars), FLINK_ENV_PYTHONPATH, JAVA_HOME. Functions
# return non-zero with a message on stderr instead of exiting.

FLINK_VERSION=${FLINK_VERSION:-2.3.0}
# The connector line for Flink 2.x: 5.0.0-2.2 is built against Flink 2.2 and
# is the first tried; 4.0.1-2.0 (Flink 2.0) is the fallback when it fails to
# load. Both are checked against Flink $FLINK_VERSION by run.sh's first query.
KAFKA_CONNECTOR_VERSIONS=${KAFKA_CONNECTOR_VERSIONS:-"5.0.0-2.2 4.0.1-2.0"}
MAVEN_CENTRAL=${MAVEN_CENTRAL:-https://repo1.maven.org/maven2}

flink_env_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FLINK_VENV=${FLINK_VENV:-$flink_env_root/.bench-venv/pyflink}
FLINK_JAR_DIR=${FLINK_JAR_DIR:-$flink_env_root/.bench-venv/jars}

# flink_venv: the PyFlink venv, installed once (pip shows its progress).
# pyflink is a namespace package: only a real import proves the install.
flink_venv() {
  if [ -x "$FLINK_VENV/bin/python" ] && "$FLINK_VENV/bin/python" -c "from pyflink.table import DataTypes" 2>/dev/null; then
    :
  else
    echo "==> installing apache-flink==$FLINK_VERSION into $FLINK_VENV (once; up to 20 min)" >&2
    python3 -m venv "$FLINK_VENV" &&
      timeout 1200 "$FLINK_VENV/bin/pip" install --progress-bar on "apache-flink==$FLINK_VERSION" >&2 ||
      { echo "pip install apache-flink==$FLINK_VERSION failed" >&2; return 1; }
  fi
  local v
  v=$("$FLINK_VENV/bin/python" -c "import importlib.metadata as m; print(m.version('apache-flink'))" 2>/dev/null)
  if [ "$v" != "$FLINK_VERSION" ]; then
    echo "$FLINK_VENV holds apache-flink $v, not $FLINK_VERSION: remove it to reinstall" >&2
    return 1
  fi
  FLINK_PY=$FLINK_VENV/bin/python
  # PyFlink's embedded interpreter starts from the base Python's sys.path
  FLINK_ENV_PYTHONPATH=$("$FLINK_PY" -c 'import site; print(site.getsitepackages()[0])')
  FLINK_LIB=$FLINK_ENV_PYTHONPATH/pyflink/lib
  if [ -z "${JAVA_HOME:-}" ]; then
    command -v java >/dev/null || { echo "no java on PATH and no JAVA_HOME (Flink needs Java 11+)" >&2; return 1; }
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  fi
  export FLINK_PY FLINK_ENV_PYTHONPATH FLINK_LIB JAVA_HOME
}

# flink_fetch_jar VERSION: downloads flink-sql-connector-kafka-VERSION.jar
# once into $FLINK_JAR_DIR, checked against Maven Central's .sha1.
flink_fetch_jar() {
  local v=$1 name url jar sum want
  name=flink-sql-connector-kafka-$v.jar
  url=$MAVEN_CENTRAL/org/apache/flink/flink-sql-connector-kafka/$v/$name
  jar=$FLINK_JAR_DIR/$name
  mkdir -p "$FLINK_JAR_DIR"
  [ -s "$jar" ] && [ -s "$jar.sha1" ] && return 0
  echo "==> downloading $url" >&2
  want=$(curl -fsSL "$url.sha1" | awk '{ print $1 }') || { echo "cannot fetch $url.sha1" >&2; return 1; }
  curl -fL --progress-bar -o "$jar.part" "$url" || { echo "cannot fetch $url" >&2; rm -f "$jar.part"; return 1; }
  sum=$(sha1sum "$jar.part" | awk '{ print $1 }')
  if [ "$sum" != "$want" ]; then
    echo "checksum mismatch for $name: got $sum, Maven Central says $want" >&2
    rm -f "$jar.part"
    return 1
  fi
  mv "$jar.part" "$jar" && echo "$want" >"$jar.sha1"
}

# flink_udf_jar: compiles bench/flink/udf/ (q14's CountChar) against the
# Flink jars of the venv into $FLINK_JAR_DIR/nexmark-udf.jar, again only
# when a source is newer than the jar.
flink_udf_jar() {
  local src=$flink_env_root/bench/flink/udf jar=$FLINK_JAR_DIR/nexmark-udf.jar tmp
  mkdir -p "$FLINK_JAR_DIR"
  if [ -s "$jar" ] && [ -z "$(find "$src" -name '*.java' -newer "$jar")" ]; then
    FLINK_UDF_JAR=$jar
    return 0
  fi
  local javac=javac
  [ -x "$JAVA_HOME/bin/javac" ] && javac=$JAVA_HOME/bin/javac
  command -v "$javac" >/dev/null || { echo "no javac (a JDK is needed to build q14's UDF)" >&2; return 1; }
  echo "==> compiling q14's CountChar UDF into $jar" >&2
  tmp=$(mktemp -d)
  "$javac" --release 11 -nowarn -cp "$FLINK_LIB/*" -d "$tmp" $(find "$src" -name '*.java') &&
    (cd "$tmp" && "$JAVA_HOME/bin/jar" cf "$jar.part" .) && mv "$jar.part" "$jar"
  local rc=$?
  rm -rf "$tmp"
  [ $rc -eq 0 ] || { echo "building $jar failed" >&2; return 1; }
  FLINK_UDF_JAR=$jar
}

# flink_env_setup [CONNECTOR_VERSION]: all of the above; FLINK_JARS lists
# the connector (the given version, else the first of
# KAFKA_CONNECTOR_VERSIONS that downloads) and the UDF jar.
flink_env_setup() {
  flink_venv || return 1
  local v ok=""
  for v in ${1:-$KAFKA_CONNECTOR_VERSIONS}; do
    if flink_fetch_jar "$v"; then ok=$v; break; fi
  done
  [ -n "$ok" ] || { echo "no Kafka SQL connector jar could be fetched" >&2; return 1; }
  KAFKA_CONNECTOR_VERSION=$ok
  flink_udf_jar || return 1
  FLINK_JARS="file://$FLINK_JAR_DIR/flink-sql-connector-kafka-$ok.jar;file://$FLINK_UDF_JAR"
  export KAFKA_CONNECTOR_VERSION FLINK_UDF_JAR FLINK_JARS
}
