"""FunctionContext and metric groups handed to UDFs' ``open()``.

Metrics are recorded in the worker and reported to the engine with each
batch's results (counter increments, latest gauge values), which adds them
to the operator's metrics.
"""


class _Metrics(object):
    """The metrics of one worker, reported to the engine as deltas."""

    def __init__(self):
        self.counters = {}
        self.gauges = {}
        self._gauge_fns = {}
        self.dirty = False

    def add(self, name, n):
        self.counters[name] = self.counters.get(name, 0) + n
        self.dirty = True

    def report(self):
        """Returns the message for the engine and resets the deltas, or None."""
        for name, fn in self._gauge_fns.items():
            try:
                self.gauges[name] = int(fn())
                self.dirty = True
            except Exception:  # a failing gauge must not fail the job
                pass
        if not self.dirty:
            return None
        msg = {"type": "metrics", "counters": self.counters, "gauges": self.gauges}
        self.counters, self.gauges, self.dirty = {}, {}, False
        return msg


class Counter(object):
    """A counter (PyFlink's ``pyflink.metrics.Counter``)."""

    def __init__(self, metrics, name):
        self._m, self._name, self._count = metrics, name, 0

    def inc(self, n=1):
        """Adds ``n``."""
        self._count += n
        self._m.add(self._name, n)

    def dec(self, n=1):
        """Subtracts ``n``."""
        self.inc(-n)

    def get_count(self):
        """The count this worker has seen."""
        return self._count


class Meter(object):
    """A meter: reported to the engine as a counter of events."""

    def __init__(self, metrics, name):
        self._c = Counter(metrics, name)

    def mark_event(self, value=1):
        """Records ``value`` events."""
        self._c.inc(value)

    def get_count(self):
        """The events this worker has seen."""
        return self._c.get_count()


class Distribution(object):
    """A distribution: reported as the last value (gauge) and a count."""

    def __init__(self, metrics, name):
        self._m, self._name = metrics, name

    def update(self, value):
        """Records one value."""
        self._m.gauges[self._name] = int(value)
        self._m.add(self._name + "_count", 1)


class MetricGroup(object):
    """A metric scope (PyFlink's ``MetricGroup``); names join with dots."""

    def __init__(self, metrics, prefix=""):
        self._m, self._prefix = metrics, prefix

    def _name(self, name):
        return self._prefix + name

    def add_group(self, name, extra=None):
        """A sub-group ``name`` (or ``name.extra`` for a key/value group)."""
        scope = name if extra is None else name + "." + extra
        return MetricGroup(self._m, self._prefix + scope + ".")

    def counter(self, name):
        """A counter."""
        return Counter(self._m, self._name(name))

    def gauge(self, name, obj):
        """A gauge reading ``obj()`` at each report."""
        self._m._gauge_fns[self._name(name)] = obj

    def meter(self, name, time_span_in_seconds=60):
        """A meter."""
        return Meter(self._m, self._name(name))

    def distribution(self, name):
        """A distribution."""
        return Distribution(self._m, self._name(name))


class FunctionContext(object):
    """What ``open(function_context)`` receives (PyFlink's FunctionContext)."""

    def __init__(self, metrics, job_parameters, subtask=0, parallelism=1):
        self._group = MetricGroup(metrics)
        self._params = dict(job_parameters or {})
        self._subtask = subtask
        self._parallelism = parallelism

    def get_metric_group(self):
        """The metric group of the operator."""
        return self._group

    def get_job_parameter(self, key, default_value):
        """A global job parameter, or ``default_value``."""
        return self._params.get(key, default_value)

    def get_index_of_this_subtask(self):
        """The subtask index of the operator running the function."""
        return self._subtask

    def get_number_of_parallel_subtasks(self):
        """The operator's parallelism."""
        return self._parallelism
