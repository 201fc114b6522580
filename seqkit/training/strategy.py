"""The `tf.distribute` strategy a run trains under, by name.

`"default"` is TensorFlow's default strategy (one device); `"mirrored"`
mirrors the model over the local devices (GPUs, or the logical CPU devices a
test makes); `"multi-worker"` mirrors it over the workers `TF_CONFIG` names.
The recipe's `train.batch_size` stays the global batch: each replica gets
`batch_size / replicas` examples of every batch.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import tempfile

from seqkit.errors import ConfigError

STRATEGIES = ("default", "mirrored", "multi-worker")
# How TensorFlow names a task of the cluster in its errors: /job:worker/replica:0/task:1.
_TASK_NAME = re.compile(r"/job:(\w+)/(?:replica:\d+/)?task:(\d+)")


def parse_tf_config(text):
    """Checks a `TF_CONFIG` value for a multi-worker run; returns it as a dict.

    It must be a JSON object with `cluster.worker` (a list of "host:port"
    addresses, optionally `cluster.chief` with one) and `task` (`type` and
    `index` pointing into that list). No address may appear twice.

    >>> parse_tf_config('{"cluster": {"worker": ["localhost:1", "localhost:2"]}, '
    ...                 '"task": {"type": "worker", "index": 1}}')["task"]
    {'type': 'worker', 'index': 1}
    """
    if text is None or not text.strip():
        raise ConfigError("--strategy multi-worker needs the TF_CONFIG environment variable (cluster and task)")
    try:
        value = json.loads(text)
    except ValueError as error:
        raise ConfigError(f"TF_CONFIG is not valid JSON ({error}). Received: TF_CONFIG={text!r}") from None
    if not isinstance(value, dict) or not isinstance(value.get("cluster"), dict) or not isinstance(
        value.get("task"), dict
    ):
        raise ConfigError(f"TF_CONFIG must be an object with 'cluster' and 'task'. Received: TF_CONFIG={text!r}")
    cluster, task = value["cluster"], value["task"]
    seen = {}
    for role, addresses in cluster.items():
        if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
            raise ConfigError(f"TF_CONFIG cluster.{role} must be a list of 'host:port' strings. Received: {addresses!r}")
        for index, address in enumerate(addresses):
            if address in seen:
                raise ConfigError(
                    f"TF_CONFIG names {address} twice ({seen[address]} and {role}[{index}]); "
                    "each worker needs its own host:port"
                )
            seen[address] = f"{role}[{index}]"
    role, index = task.get("type"), task.get("index")
    if role not in cluster or type(index) is not int or not 0 <= index < len(cluster[role]):
        raise ConfigError(
            f"TF_CONFIG task {{type: {role!r}, index: {index!r}}} is not in its cluster "
            f"({', '.join(f'{r}: {len(a)}' for r, a in cluster.items())})"
        )
    return value


def check_strategy(name, environ=None):
    """Raises `ConfigError` for an unknown strategy name or a bad `TF_CONFIG`,
    before TensorFlow starts anything."""
    if name not in STRATEGIES:
        raise ConfigError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}")
    if name == "multi-worker":
        parse_tf_config((environ if environ is not None else os.environ).get("TF_CONFIG"))


def joining_note(text):
    """The line a multi-worker process prints before it joins its cluster.

    The strategy waits, silently and without a time limit, until every worker
    `TF_CONFIG` (`text`) names has started, so a typo in an address or a host
    that never starts looks like a hang; the line says what it waits for.

    >>> joining_note('{"cluster": {"worker": ["h1:2222", "h2:2222"]}, '
    ...              '"task": {"type": "worker", "index": 0}}')
    'multi-worker: this is worker 0 (h1:2222); waiting for worker 1 (h2:2222) to join'
    """
    value = parse_tf_config(text)
    labels = _task_labels(value["cluster"])
    this = labels.pop((value["task"]["type"], value["task"]["index"]))
    return f"multi-worker: this is {this}; waiting for {', '.join(labels.values())} to join"


def _task_labels(cluster):
    """{(role, index): "role index (host:port)"} for each task of `cluster`
    (a dict role -> list of addresses), in the cluster's order."""
    return {(role, index): f"{role} {index} ({address})"
            for role, addresses in cluster.items() for index, address in enumerate(addresses)}


def make_strategy(name, announce=None):
    """The `tf.distribute.Strategy` called `name` (one of `STRATEGIES`).

    A multi-worker strategy first passes `joining_note`'s line to `announce`
    (a callable taking one string), if given: the strategy then waits for
    every worker without a time limit.
    """
    check_strategy(name)
    import tensorflow as tf

    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = gpus if gpus else tf.config.list_logical_devices("CPU")
        return tf.distribute.MirroredStrategy([d.name for d in devices])
    if name == "multi-worker":
        if announce is not None:
            announce(joining_note(os.environ.get("TF_CONFIG")))
        with _default_stop_signals():
            return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()


@contextlib.contextmanager
def _default_stop_signals():
    """SIGINT and SIGTERM with their default action (end the process) inside,
    and the handlers from before put back at the end.

    The multi-worker strategy waits in TensorFlow's C++ for every worker to
    join, holding the interpreter: a Python signal handler (the CLI's, which
    finishes outputs cleanly) never runs there, so Ctrl-C did nothing and only
    `kill -9` stopped a worker whose peers never came. Nothing has been
    written yet at that point, so ending at once loses nothing. SIGTERM is
    still lost while it waits: the strategy installs TensorFlow's preemption
    watcher on it. Putting the handlers back takes SIGTERM back from that
    watcher, which otherwise swallowed it for the whole run.
    """
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[signum] = signal.signal(signum, signal.SIG_DFL)
        except ValueError:  # not the main thread: leave them
            pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def is_chief(strategy):
    """True unless `strategy` is a multi-worker strategy and this process is not
    its chief (the chief is `chief[0]`, or `worker[0]` when there is no chief)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.cluster_spec().as_dict():
        return True
    role, index = resolver.task_type, resolver.task_id
    if "chief" in resolver.cluster_spec().as_dict():
        return role == "chief"
    return role in (None, "worker") and index in (None, 0)


def worker_count(strategy):
    """How many processes `strategy` trains over: the tasks its `TF_CONFIG`
    cluster names (multi-worker), else 1."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.cluster_spec().as_dict():
        return 1
    return sum(len(a) for a in resolver.cluster_spec().as_dict().values())


def lost_peers(error, strategy):
    """Which other workers `error` says stopped, when it is the error a
    multi-worker `strategy` raises on a worker whose peer crashed, was killed
    or became unreachable; None for any other error.

    TensorFlow notices within seconds (its collective ops check the peers'
    heartbeats) and aborts the step with an `UnavailableError` (or, at a
    deadline, `DeadlineExceededError`) whose text names the task it lost, for
    instance `/job:worker/replica:0/task:1`.

    Returns:
        A list of "role index (host:port)" strings, in the order the error
        names them; empty when the error names no other task.
    """
    if worker_count(strategy) < 2:
        return None
    import tensorflow as tf

    if not isinstance(error, (tf.errors.UnavailableError, tf.errors.DeadlineExceededError)):
        return None
    resolver = strategy.cluster_resolver
    labels = _task_labels(resolver.cluster_spec().as_dict())
    labels.pop((resolver.task_type, resolver.task_id), None)  # this worker is not lost
    lost = []
    for role, index in _TASK_NAME.findall(str(error)):
        name = labels.get((role, int(index)))
        if name is not None and name not in lost:
            lost.append(name)
    return lost


class WorkerDirectory:
    """Where this process writes its run: `path` on the chief; a temporary
    directory, removed by `close`, on every other worker (they still run every
    step of `fit`, since their collective ops pair with the chief's)."""

    def __init__(self, path, chief):
        self.chief = chief
        self.path = path if chief else os.path.join(tempfile.mkdtemp(prefix="seqkit-worker-"), "run")

    def close(self):
        if not self.chief:
            shutil.rmtree(os.path.dirname(self.path), ignore_errors=True)


def describe(strategy, name, batch_size):
    """The distribution facts metrics.json records."""
    replicas = strategy.num_replicas_in_sync
    if batch_size % replicas:
        raise ConfigError(
            f"train.batch_size={batch_size} does not split evenly over {replicas} replicas; "
            f"pick a multiple of {replicas}"
        )
    return {
        "strategy": name,
        "replicas": replicas,
        "workers": worker_count(strategy),
        "global_batch_size": batch_size,
        "per_replica_batch_size": batch_size // replicas,
    }


def config_note(distribution):
    """YAML comment lines recording `distribution` (from `describe`) at the end
    of a run's config.yaml: how the recipe's batch was split is a fact of the
    run, not a setting, so it stays out of the loaded config."""
    d = distribution
    return (
        f"# trained with strategy {d['strategy']}: {d['replicas']} replica(s) over {d['workers']} worker(s), "
        f"{d['per_replica_batch_size']} examples per replica (global batch {d['global_batch_size']})\n"
    )

