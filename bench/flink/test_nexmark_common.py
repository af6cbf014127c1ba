"""Tests of the harness's pure-Python parts (no Flink, no Spry, no Kafka):
python3 -m unittest discover -s bench/flink -p 'test_*.py'
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import report  # noqa: E402
from nexmark_common import (PlaceholderError, fill_placeholders, is_insert,  # noqa: E402
                            parse_proc_stat_cpu, parse_proc_status_bytes, quote_identifiers,
                            result, root_cause, split_statements)


class PlaceholderTest(unittest.TestCase):
    def test_fill(self):
        cases = [
            ("'${TOPIC}'", {"TOPIC": "t"}, "'t'"),
            ("${EVENTS_NUM}/${EVENTS_NUM}", {"EVENTS_NUM": 10}, "10/10"),
            ("no placeholder", {}, "no placeholder"),
            ("$TOPIC {TOPIC}", {}, "$TOPIC {TOPIC}"),
        ]
        for text, values, want in cases:
            self.assertEqual(fill_placeholders(text, values), want)

    def test_missing(self):
        with self.assertRaises(PlaceholderError) as e:
            fill_placeholders("${A} ${B}", {"A": 1})
        self.assertIn("${B}", str(e.exception))

    def test_repo_files_fill(self):
        here = os.path.dirname(os.path.abspath(__file__))
        nexmark = os.path.join(here, "..", "nexmark")
        values = {"TOPIC": "t", "BOOTSTRAP_SERVERS": "b", "EVENTS_NUM": 1, "TPS": 1, "NEXMARK_DIR": "/d"}
        for name in ("datagen_bid.sql", "ddl_kafka.sql", "q10.sql", "q13.sql"):
            path = os.path.join(nexmark, name)
            if os.path.exists(path):
                with open(path) as f:
                    self.assertNotIn("${", fill_placeholders(f.read(), values), name)


class StatementsTest(unittest.TestCase):
    def test_split(self):
        cases = [
            ("a; b;", ["a", "b"]),
            ("-- c; d\na;", ["a"]),
            ("x = ';' ; y", ["x = ';'", "y"]),
            ("x = 'it''s;' ; y", ["x = 'it''s;'", "y"]),
            ("/* ; */ a ; `b;c`", ["a", "`b;c`"]),
            (" ; ;\n", []),
        ]
        for sql, want in cases:
            self.assertEqual(split_statements(sql), want, sql)

    def test_is_insert(self):
        self.assertTrue(is_insert("\n INSERT INTO t SELECT 1"))
        self.assertTrue(is_insert("insert\ninto t select 1"))
        self.assertFalse(is_insert("CREATE TABLE inserts (a INT)"))

    def test_quote(self):
        cases = [
            ("SELECT dateTime FROM t", "SELECT `dateTime` FROM t"),
            ("bid.dateTime, DATETIME", "bid.`dateTime`, `DATETIME`"),
            ("`dateTime` 'dateTime' -- dateTime\n", "`dateTime` 'dateTime' -- dateTime\n"),
            ("dateTimes mydateTime", "dateTimes mydateTime"),
            ("ROW<dateTime TIMESTAMP(3)>", "ROW<`dateTime` TIMESTAMP(3)>"),
        ]
        for sql, want in cases:
            self.assertEqual(quote_identifiers(sql), want, sql)


class ProcTest(unittest.TestCase):
    STAT = ("4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 "
            "250 130 0 0 20 0 40 0 1000 123456 789 18446744073709551615")

    def test_stat(self):
        self.assertAlmostEqual(parse_proc_stat_cpu(self.STAT, 100), 3.8)
        self.assertAlmostEqual(parse_proc_stat_cpu(self.STAT, 1000), 0.38)

    def test_status(self):
        status = "Name:\tjava\nVmPeak:\t  900 kB\nVmHWM:\t  2048 kB\nVmRSS:\t 1024 kB\n"
        self.assertEqual(parse_proc_status_bytes(status), 2048 * 1024)
        self.assertEqual(parse_proc_status_bytes(status, "VmRSS"), 1024 * 1024)
        self.assertIsNone(parse_proc_status_bytes(status, "VmSwap"))

    def test_live(self):
        from nexmark_common import proc_cpu_seconds, proc_peak_rss
        self.assertGreaterEqual(proc_cpu_seconds(os.getpid()), 0)
        self.assertGreater(proc_peak_rss(os.getpid()), 0)


class ResultTest(unittest.TestCase):
    def test_shape(self):
        r = result("flink", "q0", "kafka", 1000000, 2, seconds=2.0, cpu_seconds=4.0, peak_rss_bytes=10)
        self.assertEqual(set(r), {"engine", "query", "source", "events", "parallelism", "seconds",
                                  "cpu_seconds", "events_per_sec", "events_per_sec_per_core",
                                  "peak_rss_bytes", "latency_p50_ms", "latency_p99_ms", "status", "error"})
        self.assertEqual(r["events_per_sec"], 500000)
        self.assertEqual(r["events_per_sec_per_core"], 250000)
        f = result("flink", "q0", "kafka", 1, 2, status="failed", error="boom")
        self.assertIsNone(f["events_per_sec"])

    def test_root_cause(self):
        cases = [
            ("An error occurred while calling o8.x.\n: a.B: top\n\tat x\nCaused by: c.D: inner\n", "c.D: inner"),
            ("An error occurred while calling o8.x.\n: org.X.ValidationException: bad\n", "org.X.ValidationException: bad"),
            ("\nplain\n", "plain"),
            ("", ""),
        ]
        for text, want in cases:
            self.assertEqual(root_cause(text), want)

    def test_median(self):
        runs = [result("spry", "q0", "kafka", 10, 1, seconds=1, cpu_seconds=c) for c in (3, 1, 2)]
        self.assertEqual(bench.median_run(runs)["cpu_seconds"], 2)
        runs.append(result("spry", "q0", "kafka", 10, 1, status="failed", error="x"))
        self.assertEqual(bench.median_run(runs)["status"], "failed")

    def test_json_round_trip(self):
        res = {"kafka": [result("flink", "q0", "kafka", 1, 1, seconds=1, cpu_seconds=1),
                         result("spry", "q0", "kafka", 1, 1, seconds=1, cpu_seconds=1)],
               "datagen": [result("spry", "q1", "datagen", 1, 1, status="failed", error="x")]}
        with tempfile.TemporaryDirectory() as d:
            bench.write_json(d, res)
            self.assertEqual(sorted(os.listdir(d)),
                             ["flink-datagen.json", "flink.json", "spry-datagen.json", "spry.json"])
            self.assertEqual(bench.read_json(d), res)


class ReportTest(unittest.TestCase):
    def results(self):
        mk = result
        return [
            mk("flink", "q0", "kafka", 100, 2, seconds=1, cpu_seconds=1),
            mk("spry", "q0", "kafka", 100, 2, seconds=1, cpu_seconds=0.1),
            mk("flink", "q5", "kafka", 100, 2, seconds=1, cpu_seconds=1),
            mk("spry", "q5", "kafka", 100, 2, seconds=1, cpu_seconds=0.5),
            mk("flink", "q10", "kafka", 100, 2, status="failed", error="no | pipes"),
            mk("spry", "q10", "kafka", 100, 2, seconds=1, cpu_seconds=0.5),
        ]

    def test_table(self):
        text, held, total = report.table(self.results())
        lines = text.splitlines()
        self.assertEqual([l.split("|")[1].strip() for l in lines[2:]], ["q0", "q5", "q10"])
        self.assertIn("10.00×", lines[2])
        self.assertTrue(lines[2].rstrip().endswith("| yes |"))
        self.assertIn("no (67% of it)", lines[3])
        self.assertIn("failed", lines[4])
        self.assertEqual((held, total), (1, 2))

    def test_render(self):
        meta = report.Meta(events=100, datagen_events=100, parallelism=2, repeat=1, defines=["a=b"],
                           topic="t", connector_version="5.0.0-2.2", command="run.sh -n 100",
                           flink_python=sys.executable, spry="spry", work="/tmp/w")
        text = report.render(meta, self.results(), [], None)
        for want in ("run.sh -n 100", "`a=b`", "Goals held: 1 of 2", "flink q10 (kafka): no / pipes",
                     "5.0.0-2.2", "## What is compared"):
            self.assertIn(want, text)

    def test_commit(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, ".git", "refs", "heads"))
            for path, text in (("HEAD", "ref: refs/heads/main\n"), ("refs/heads/main", "0123456789abcdef\n")):
                with open(os.path.join(d, ".git", path), "w") as f:
                    f.write(text)
            self.assertEqual(report.commit(d), "0123456789ab")
            self.assertEqual(report.commit(os.path.join(d, "none")), "unknown")


if __name__ == "__main__":
    unittest.main()
