"""The fault-injection suite: real `seqkit` processes, killed, starved of disk, fed hostile input.

Every test here runs the command line as a user does, in a subprocess with a
fresh working directory, and checks what a user sees and what is left on disk:
the exit code, no traceback, one line of error, nothing half-written under a
final name, nothing outside the run touched. One tiny run is trained (in this
process) and exported once per session; the tests copy it.

Run the suite alone with `python3 -m pytest tests/faults` (or `-m faults`).
"""

import contextlib
import os
import pathlib
import resource
import shutil
import signal
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SENTIMENT = ROOT / "data" / "sentiment"
TRAIN_ROWS = 600


def pytest_collection_modifyitems(config, items):
    here = pathlib.Path(__file__).parent
    for item in items:
        if here in pathlib.Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)
            item.add_marker(pytest.mark.tf_only)


def write_recipe(directory, name="tiny", epochs=1, extra=""):
    """A tiny classify recipe on the first rows of the default sentiment data."""
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    lines = (SENTIMENT / "train.csv").read_text(encoding="utf-8").splitlines()
    (directory / "train.csv").write_text("\n".join(lines[: TRAIN_ROWS + 1]) + "\n", encoding="utf-8")
    recipe = directory / f"{name}.yaml"
    recipe.write_text(
        f"task: classify\nname: {name}\n"
        "data: {train: train.csv, text_column: sentence, label_column: label, validation_split: 0.2}\n"
        "tokenizer: {vocabulary_size: 200, max_length: 12}\n"
        "model: {encoder: rnn, embedding_dim: 8, units: 8, dropout: 0.0}\n"
        f"train: {{epochs: {epochs}, batch_size: 32, early_stopping_patience: null}}\n" + extra,
        encoding="utf-8",
    )
    return recipe


def command(*args):
    """The argv of `seqkit ARGS...` run from this checkout."""
    return [sys.executable, "-c", "from seqkit.cli import main; main()", *map(str, args)]


def environment():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # seqkit's own default is under test
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("CUDA_VISIBLE_DEVICES", "")
    return env


def file_size_limit(limit_bytes):
    """A `preexec_fn`: files the child writes may not grow past `limit_bytes` (a full disk).

    SIGXFSZ would kill the child outright; ignored, a write past the limit
    fails with EFBIG, as a write to a full disk fails with ENOSPC.
    """

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return limit


def run(args, cwd, timeout=600, preexec_fn=None):
    return subprocess.run(
        command(*args), cwd=cwd, env=environment(), capture_output=True, text=True,
        timeout=timeout, preexec_fn=preexec_fn,
    )


def start(args, cwd, preexec_fn=None):
    return subprocess.Popen(
        command(*args), cwd=cwd, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, preexec_fn=preexec_fn,
    )


def wait_for(predicate, process, timeout=600, what="the condition"):
    """Polls `predicate()` until true; fails when `process` ends first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if process is not None and process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the process ended (exit {process.returncode}) before {what}:\n{out}\n{err}")
        time.sleep(0.02)
    pytest.fail(f"timed out waiting for {what}")


def signal_when(processes, predicates, signals, timeout=600):
    """Sends `signals[name]` to `processes[name]` as soon as `predicates[name]()` holds, all polled together."""
    waiting = dict(processes)
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        for name, process in list(waiting.items()):
            if predicates[name]():
                process.send_signal(signals[name])
                del waiting[name]
            elif process.poll() is not None:
                out, err = process.communicate()
                pytest.fail(f"{name}: the process ended (exit {process.returncode}) before the signal:\n{out}\n{err}")
        time.sleep(0.005)
    if waiting:
        pytest.fail(f"timed out waiting to signal {sorted(waiting)}")


def finish(process, timeout=600):
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def assert_one_line_error(result, code, *fragments):
    """Exit `code`, no traceback, stderr one line holding every fragment (besides score's progress bar)."""
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("scoring")]
    assert result.returncode == code, result.stderr
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def snapshot(directory):
    """{relative path: bytes} of every file under `directory` (to prove nothing changed)."""
    directory = pathlib.Path(directory)
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def temporaries(directory):
    """Temporary names seqkit writes under (`.NAME.tmp-PID-...`), anywhere under `directory`."""
    return sorted(str(p.relative_to(directory)) for p in pathlib.Path(directory).rglob(".*.tmp-*"))


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """One tiny trained run and its export, made in this process: (run_dir, export_dir, recipe)."""
    from seqkit import runner
    from seqkit.config import load_config

    base = tmp_path_factory.mktemp("faults_trained")
    recipe = write_recipe(base)
    with contextlib.chdir(base):
        runner.fit(load_config([recipe]), run_dir=base / "run", verbose=0)
    export_dir = base / "serving"
    runner.export(base / "run", export_dir)
    return base / "run", export_dir, recipe


@pytest.fixture
def run_copy(trained, tmp_path):
    """A private copy of the trained run directory."""
    return pathlib.Path(shutil.copytree(trained[0], tmp_path / "run", symlinks=True))


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory):
    """A CSV large enough that scoring it takes a few seconds."""
    path = tmp_path_factory.mktemp("faults_csv") / "reviews.csv"
    phrases = ["the film was good", "the plot was dull", "a superb cast", "never boring at all"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("sentence\n")
        for i in range(200_000):
            f.write(f"{phrases[i % 4]} {i % 97}\n")
    return path


@pytest.fixture(scope="session")
def cli():
    """The helpers above (`run`, `start`, `wait_for`, `assert_one_line_error`, ...)."""
    return sys.modules[__name__]


def dead_pid():
    """The id of a process that has ended (for temporaries 'left by a killed run')."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid
