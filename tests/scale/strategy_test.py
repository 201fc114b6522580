"""`seqkit fit --strategy`: one replica against two mirrored ones, two workers on
loopback, and the bad-input errors."""

import contextlib
import json
import signal
import socket
import time
import types

import pytest
from click.testing import CliRunner

from seqkit.cli import main
from seqkit.config.sections import TrainConfig
from seqkit.errors import ConfigError
from seqkit.training.history import read_history
from seqkit.training.strategy import STRATEGIES
from seqkit.training.strategy import check_strategy
from seqkit.training.strategy import joining_note
from seqkit.training.strategy import lost_peers
from seqkit.training.strategy import parse_tf_config
from tests.scale.recipe import environment
from tests.scale.recipe import finish
from tests.scale.recipe import seqkit
from tests.scale.recipe import tiny_recipe

# Two replicas each average the loss over half the batch and the gradients are
# summed across replicas, so the step equals one replica's up to float32
# rounding in a different order of additions. The recipe trains on one whole
# batch per epoch: under a strategy Keras draws one batch to build the model,
# which moves the shuffle's sequence of epoch orders on by one.
LOSS_TOLERANCE = 1e-4


def test_config_choices_are_the_strategies():
    assert TrainConfig.CHOICES["strategy"]() == STRATEGIES


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@pytest.mark.large
def test_two_mirrored_replicas_train_like_one(tmp_path):
    recipe = tiny_recipe(tmp_path, batch_size=64, epochs=3, data="validation: valid.csv")
    one = seqkit("fit", recipe, "--run-dir", tmp_path / "one", "--strategy", "default", cpu_devices=2)
    finish(one)
    two = seqkit("fit", recipe, "--run-dir", tmp_path / "two", "--strategy", "mirrored", cpu_devices=2)
    output = finish(two)
    assert "strategy mirrored: 2 replica(s) x 32 examples" in output
    training = json.loads((tmp_path / "two" / "metrics.json").read_text())["training"]
    assert training == {
        "strategy": "mirrored", "replicas": 2, "workers": 1, "global_batch_size": 64,
        "per_replica_batch_size": 32, "precision": "float32", "jit_compile": False,
    }
    assert "strategy: mirrored" in (tmp_path / "two" / "config.yaml").read_text()
    rows_one, rows_two = read_history(tmp_path / "one" / "history.csv"), read_history(tmp_path / "two" / "history.csv")
    assert len(rows_one) == len(rows_two) == 3
    for a, b in zip(rows_one, rows_two):
        for key in ("loss", "val_loss"):
            assert abs(float(a[key]) - float(b[key])) < LOSS_TOLERANCE, (key, a[key], b[key])
    assert float(rows_one[0]["loss"]) != float(rows_one[1]["loss"])  # it trained


def test_a_short_last_batch_leaves_no_replica_empty():
    # A global batch of n rows is cut into slices differing by at most one row
    # that cover it once, in order; no slice is empty while n >= replicas.
    import tensorflow as tf

    from seqkit.training.trainer import replica_slice

    for replicas in (1, 2, 3, 4):
        for rows in range(10):
            batch = ({"x": tf.range(rows)}, tf.range(rows) * 10)
            slices = [replica_slice(batch, r, replicas) for r in range(replicas)]
            xs = [s[0]["x"].numpy().tolist() for s in slices]
            assert sum(xs, []) == list(range(rows)), (rows, replicas, xs)
            assert [(s[1].numpy() // 10).tolist() for s in slices] == xs
            sizes = [len(x) for x in xs]
            assert max(sizes) - min(sizes) <= 1, (rows, replicas, sizes)
    halves = [replica_slice((tf.range(2),), r, 2)[0].numpy().tolist() for r in (0, 1)]
    assert halves == [[0], [1]]  # the caption recipe's last batch: 2 rows, not 2 + 0


@pytest.mark.large
def test_caption_trains_on_two_mirrored_replicas(tmp_path):
    # Its contract recipe (6 images, batch 4) ends an epoch on a 2-row batch: cut
    # into 2 + 0 rows, replica 1's oneDNN convolutions failed on the empty slice.
    from seqkit.tasks.registry import TASKS

    text, _ = TASKS["caption"].contract_recipe(tmp_path)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(text.replace("epochs: 1", "epochs: 2"))
    output = finish(seqkit("fit", recipe, "--run-dir", tmp_path / "run", "--strategy", "mirrored",
                           cpu_devices=2))
    assert "strategy mirrored: 2 replica(s) x 2 examples" in output
    training = json.loads((tmp_path / "run" / "metrics.json").read_text())["training"]
    assert (training["strategy"], training["replicas"]) == ("mirrored", 2)
    losses = [float(row["loss"]) for row in read_history(tmp_path / "run" / "history.csv")]
    assert len(losses) == 2 and all(0 < loss < 10 for loss in losses), losses
    assert losses[1] < losses[0], losses  # it trained


@contextlib.contextmanager
def _loopback_workers(tmp_path, recipe):
    """Starts `seqkit fit RECIPE --strategy multi-worker` as workers 0 and 1 on
    loopback, each in a home and with a TMPDIR of its own (as on two machines);
    yields (cluster, homes, scratch directories, processes) and kills whatever
    still runs at the end (a worker that never joins leaves the other waiting)."""
    cluster = {"worker": [f"localhost:{p}" for p in _free_ports(2)]}
    homes, scratch = [tmp_path / "worker0", tmp_path / "worker1"], [tmp_path / "tmp0", tmp_path / "tmp1"]
    processes = []
    try:
        for index in (0, 1):
            homes[index].mkdir()
            scratch[index].mkdir()
            env = environment(TF_CONFIG=json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}}),
                              TMPDIR=str(scratch[index]))
            processes.append(seqkit("fit", recipe, "--run-dir", "run", "--strategy", "multi-worker",
                                    env=env, cwd=homes[index]))
        yield cluster, homes, scratch, processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.mark.large
def test_two_workers_on_loopback_only_the_chief_writes(tmp_path):
    # Each worker runs in a directory of its own with the same relative
    # --run-dir, as on two machines: worker 0 (the chief) writes the run there;
    # worker 1 writes nothing in its directory and removes its scratch run.
    with _loopback_workers(tmp_path, tiny_recipe(tmp_path)) as (cluster, homes, scratch, processes):
        outputs = [finish(p, timeout=300) for p in processes]
    for index, output in enumerate(outputs):
        assert "strategy multi-worker: 2 replica(s) x 4 examples over 2 worker(s)" in output
        other = 1 - index
        assert (f"multi-worker: this is worker {index} ({cluster['worker'][index]}); "
                f"waiting for worker {other} ({cluster['worker'][other]}) to join") in output
    assert not list(homes[1].iterdir())
    assert not list(scratch[1].iterdir())
    run = homes[0] / "run"
    for name in ("config.yaml", "model.keras", "history.csv", "metrics.json", "assets/vocab.txt",
                 "checkpoints/best.weights.h5", "checkpoints/backup", "logs/train"):
        assert (run / name).exists(), name
    assert json.loads((run / "metrics.json").read_text())["training"] == {
        "strategy": "multi-worker", "replicas": 2, "workers": 2, "global_batch_size": 8,
        "per_replica_batch_size": 4, "precision": "float32", "jit_compile": False,
    }
    config = (run / "config.yaml").read_text()
    assert "strategy: multi-worker" in config
    assert "2 replica(s) over 2 worker(s), 4 examples per replica (global batch 8)" in config
    assert len(read_history(run / "history.csv")) == 2
    evaluated = CliRunner().invoke(main, ["evaluate", str(run), "--data", f"test={tmp_path / 'valid.csv'}"])
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads((run / "metrics.json").read_text())["test"]["examples"] == 16


@pytest.mark.large
@pytest.mark.parametrize("lost, stop", [(1, "kill"), (0, "kill"), (0, "term")])
def test_a_worker_that_dies_stops_the_other_with_one_line(tmp_path, lost, stop):
    # Two workers on loopback train for many epochs; once the chief has written
    # two epochs, worker `lost` is killed (SIGKILL: no chance to say goodbye),
    # or, as a scheduler stops a job, sent SIGTERM (TensorFlow's preemption
    # watcher used to swallow it and training went on). The survivor must stop
    # within seconds (TensorFlow's heartbeats), exit 1 with one line naming the
    # lost worker, and leave what the issue asks: a non-chief nothing, the
    # chief a backup that a one-worker --resume finishes.
    with _loopback_workers(tmp_path, tiny_recipe(tmp_path, epochs=2000)) as (cluster, homes, scratch, processes):
        history = homes[0] / "run" / "history.csv"
        deadline = time.monotonic() + 300
        while not (history.is_file() and len(history.read_text().splitlines()) >= 3):
            assert time.monotonic() < deadline and all(p.poll() is None for p in processes), "no two epochs"
            time.sleep(0.05)
        if stop == "kill":
            processes[lost].kill()
            processes[lost].wait()
        else:
            processes[lost].send_signal(signal.SIGTERM)
            stopped, _ = processes[lost].communicate(timeout=120)
            assert processes[lost].returncode == 128 + signal.SIGTERM, stopped[-3000:]
            assert "Interrupted by SIGTERM" in stopped, stopped[-3000:]
        survivor = processes[1 - lost]
        output, _ = survivor.communicate(timeout=120)
    assert survivor.returncode == 1, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    errors = [line for line in output.splitlines() if line.startswith("Error: ")]
    assert errors == [
        f"Error: multi-worker training stopped: worker {lost} ({cluster['worker'][lost]}) stopped responding "
        "(UnavailableError). " + (
            "The run directory run keeps the last backup: resume it there with `seqkit fit --resume "
            "--run-dir run --strategy default`, or start every worker again with --overwrite" if lost
            else "This worker keeps nothing; the chief's run directory keeps the last backup")
    ], output[-3000:]
    if lost == 0:
        assert not list(homes[1].iterdir()) and not list(scratch[1].iterdir())
        return
    # The chief's run goes on alone from its backup, the same global batch on one replica.
    done = len(read_history(history))
    resumed = seqkit("fit", "--resume", "--run-dir", "run", "--strategy", "default",
                     "--set", f"train.epochs={done + 2}", env=environment(), cwd=homes[0])
    output = finish(resumed, timeout=300)
    assert "strategy default: 1 replica(s) x 8 examples over 1 worker(s)" in output
    assert len(read_history(history)) == done + 2
    assert (homes[0] / "run" / "model.keras").is_file()
    training = json.loads((homes[0] / "run" / "metrics.json").read_text())["training"]
    assert (training["strategy"], training["workers"]) == ("default", 1)


@pytest.mark.large
def test_a_worker_waiting_for_its_cluster_stops_on_ctrl_c(tmp_path):
    # Worker 0 of two, and worker 1 never starts: the strategy waits in C++
    # without a time limit, where the CLI's Python handlers never run, so
    # Ctrl-C used to do nothing. It now ends the process, with nothing written.
    recipe = tiny_recipe(tmp_path)
    cluster = {"worker": [f"localhost:{p}" for p in _free_ports(2)]}
    home = tmp_path / "worker0"
    home.mkdir()
    env = environment(TF_CONFIG=json.dumps({"cluster": cluster, "task": {"type": "worker", "index": 0}}))
    process = seqkit("fit", recipe, "--run-dir", "run", "--strategy", "multi-worker", env=env, cwd=home)
    try:
        waiting = f"waiting for worker 1 ({cluster['worker'][1]}) to join"
        lines = []
        while not lines or waiting not in lines[-1]:
            line = process.stdout.readline()
            assert line, "".join(lines)[-3000:]  # it ended before it waited
            lines.append(line)
        time.sleep(3)  # from the line to the wait itself: a few calls
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGINT
    assert not list(home.iterdir())


def test_lost_peers_names_the_other_workers_from_the_error_text():
    import tensorflow as tf

    cluster = tf.train.ClusterSpec({"worker": ["host0:1", "host1:2", "host2:3"]})
    on_worker_1 = types.SimpleNamespace(
        cluster_resolver=tf.distribute.cluster_resolver.SimpleClusterResolver(cluster, task_type="worker", task_id=1))
    # As TensorFlow words it, the lost task once or twice, and this worker itself.
    text = ("Collective ops is aborted by: Error reported from /job:worker/task:2: The following tasks "
            "are unhealthy (stopped sending heartbeats):\n/job:worker/replica:0/task:2\n"
            "while calling from /job:worker/replica:0/task:1, and /job:worker/replica:0/task:0")
    lost = tf.errors.UnavailableError(None, None, text)
    assert lost_peers(lost, on_worker_1) == ["worker 2 (host2:3)", "worker 0 (host0:1)"]
    assert lost_peers(tf.errors.DeadlineExceededError(None, None, "no task named"), on_worker_1) == []
    # Not a lost peer: another error type, or a strategy of one worker.
    assert lost_peers(tf.errors.InvalidArgumentError(None, None, text), on_worker_1) is None
    assert lost_peers(ValueError(text), on_worker_1) is None
    assert lost_peers(lost, tf.distribute.get_strategy()) is None


def test_joining_note_names_this_task_and_every_other():
    text = json.dumps({"cluster": {"chief": ["c:1"], "worker": ["w0:2", "w1:3"]},
                       "task": {"type": "worker", "index": 0}})
    assert joining_note(text) == (
        "multi-worker: this is worker 0 (w0:2); waiting for chief 0 (c:1), worker 1 (w1:3) to join")
    with pytest.raises(ConfigError, match="needs the TF_CONFIG"):
        joining_note(None)


def test_tf_config_checks():
    good = {"cluster": {"worker": ["localhost:1", "localhost:2"]}, "task": {"type": "worker", "index": 1}}
    assert parse_tf_config(json.dumps(good)) == good
    with pytest.raises(ConfigError, match="not valid JSON"):
        parse_tf_config("{cluster")
    with pytest.raises(ConfigError, match="names localhost:1 twice"):
        parse_tf_config(json.dumps({**good, "cluster": {"worker": ["localhost:1", "localhost:1"]}}))
    for task in ({"type": "worker", "index": 2}, {"type": "worker", "index": True}, {"type": "chief", "index": 0}):
        with pytest.raises(ConfigError, match="not in its cluster"):
            parse_tf_config(json.dumps({**good, "task": task}))
    with pytest.raises(ConfigError, match="needs the TF_CONFIG"):
        parse_tf_config(None)


@pytest.mark.parametrize("args, tf_config, message", [
    (["--strategy", "ring"], None, "train.strategy"),
    (["--strategy", "multi-worker"], "{not json", "TF_CONFIG is not valid JSON"),
    (["--strategy", "multi-worker"],
     '{"cluster": {"worker": ["localhost:5", "localhost:5"]}, "task": {"type": "worker", "index": 0}}',
     "names localhost:5 twice"),
    (["--strategy", "multi-worker"],
     '{"cluster": {"worker": ["localhost:5", "localhost:6"]}, "task": {"type": "worker", "index": 2}}',
     "is not in its cluster"),
    (["--strategy", "multi-worker"], "", "needs the TF_CONFIG environment variable"),
    (["--precision", "half"], None, "train.precision"),
    (["--strategy", "multi-worker", "--resume"],
     '{"cluster": {"worker": ["localhost:5", "localhost:6"]}, "task": {"type": "worker", "index": 0}}',
     "--resume does not work under --strategy multi-worker"),
])
def test_bad_distribution_input_is_one_line_and_exit_2(tmp_path, monkeypatch, args, tf_config, message):
    recipe = tiny_recipe(tmp_path)

    def no_strategy(name, announce=None):
        # make_strategy's own checks, but no strategy: a multi-worker one would
        # wait for its cluster forever, so a refusal that comes too late fails here.
        check_strategy(name)
        raise AssertionError(f"the {name} strategy started before the refusal")

    monkeypatch.setattr("seqkit.training.strategy.make_strategy", no_strategy)
    if tf_config is not None:
        monkeypatch.setenv("TF_CONFIG", tf_config)
    result = CliRunner().invoke(main, ["fit", str(recipe), "--run-dir", str(tmp_path / "run"), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert not (tmp_path / "run").exists()
