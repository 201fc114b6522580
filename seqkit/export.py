"""SavedModel export for TF Serving, and finding an export again for scoring.

An export is a directory of integer versions, the layout TF Serving watches:

```
serving/sentiment/
  1/  saved_model.pb  variables/  assets/  assets.extra/seqkit.json
  2/  ...
```

Each version holds one `serving_default` signature: the task's serving
module's `serve` function, whose inputs and outputs the task's serving spec
(`seqkit.serving.ServingSpec`) describes. Preprocessing (tokenization, ...)
runs inside the graph, so serving needs no Python.

`assets.extra/seqkit.json` tells `seqkit score` how to use the export without
the run directory: the task, its serving spec ("serving": inputs with their
CSV columns and how they are read, outputs with how they become columns),
what the task adds (`Task.export_metadata`, e.g. class names), the resolved
config, the seqkit and TensorFlow versions and the op types the graph needs.
TF Serving ignores `assets.extra/`.
"""

import dataclasses
import json
import os
import pathlib
import re
import shutil

import tensorflow as tf

from seqkit import __version__
from seqkit.errors import RunDirError
from seqkit.errors import SeqkitError
from seqkit.run_dir import remove_stale_temporaries
from seqkit.run_dir import stop_requested
from seqkit.run_dir import temporary_name

SIGNATURE_KEY = "serving_default"
METADATA_FILE = pathlib.Path("assets.extra") / "seqkit.json"
_VERSION_PATTERN = re.compile(r"^[0-9]+$")


def export_run(run, out_dir):
    """Exports a trained run as the next SavedModel version under `out_dir`.

    Args:
        run: a `seqkit.run.Run` (`config`, `task`, `assets`, ...). Its task's
            `serving_module(run)` provides the `serve` function and
            `serving_spec(assets)` / `export_metadata(assets)` the metadata.
        out_dir: str or path-like. The model's directory; created if needed.

    Returns:
        `pathlib.Path` of the version directory written, `<out_dir>/<N>/`.
    """
    module = run.task.serving_module(run)
    metadata = dict(run.task.export_metadata(run.assets))
    metadata.update({
        "task": _task_name(run),
        "serving": run.task.serving_spec(run.assets).to_dict(),
        "config": _config_to_dict(run.config),
        "run_dir": None if getattr(run, "path", None) is None else str(run.path),
    })
    return save_serving_module(module, out_dir, metadata=metadata)


def save_serving_module(module, out_dir, metadata=None):
    """Writes `module.serve` as a new SavedModel version under `out_dir`.

    The version is written into a hidden temporary directory beside the
    versions and renamed into place, so a crash never leaves a partial
    version that TF Serving or `seqkit score` would pick up.

    Args:
        module: `tf.Module` whose `serve` attribute is a `tf.function` with an
            input signature (one named `tf.TensorSpec` per serving input).
        out_dir: str or path-like. The model's directory; created if needed.
        metadata: dict or None. Extra keys for `assets.extra/seqkit.json`.

    Returns:
        `pathlib.Path` of the version directory written.
    """
    serve = getattr(module, "serve", None)
    if serve is None:
        raise ValueError(
            f"the serving module has no `serve` function. Received: {module!r}"
        )
    out_dir = pathlib.Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise RunDirError(f"{out_dir} exists and is not a directory; pick another --out")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except (NotADirectoryError, FileExistsError):
        raise RunDirError(f"cannot create {out_dir}: a part of that path is a file; pick another --out") from None

    concrete = serve.get_concrete_function()
    remove_stale_temporaries(out_dir, "export")  # versions a killed export left half-written
    temp_dir = temporary_name(out_dir / "export")
    try:
        tf.saved_model.save(module, str(temp_dir), signatures={SIGNATURE_KEY: concrete})
        ops = graph_op_types(temp_dir)
        info = dict(metadata or {})
        info.update(
            {
                "seqkit_version": __version__,
                "tensorflow_version": tf.__version__,
                "signature": signature_summary(concrete),
                "ops": ops,
                "custom_ops": classify_custom_ops(ops),
            }
        )
        meta_path = temp_dir / METADATA_FILE
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        meta_path.write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
        return _publish(temp_dir, out_dir)
    except (OSError, tf.errors.OpError) as error:
        raise SeqkitError(f"cannot write the export under {out_dir}: {_reason(error)}") from error
    finally:
        if temp_dir.exists():
            shutil.rmtree(temp_dir, ignore_errors=True)


def _reason(error):
    """Why a write failed, without the temporary path: "File too large", "No space left on device"."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    text = (getattr(error, "message", None) or str(error)).strip().splitlines()[0]
    return text.rsplit("; ", 1)[-1][:200]


def _publish(temp_dir, out_dir):
    # Renaming a directory onto an existing one fails, so two exports racing
    # for the same number end with one of them taking the next number.
    for _ in range(100):
        version_dir = out_dir / str(next_version(out_dir))
        if stop_requested():
            raise KeyboardInterrupt  # the user stopped seqkit: publish nothing
        try:
            os.rename(temp_dir, version_dir)
            return version_dir
        except OSError:
            if not version_dir.exists():
                raise
    raise RunDirError(f"could not claim a new version number under {out_dir}")


def list_versions(out_dir):
    """The integer versions under `out_dir` that hold a `saved_model.pb`, sorted."""
    out_dir = pathlib.Path(out_dir)
    if not out_dir.is_dir():
        return []
    versions = []
    for child in out_dir.iterdir():
        if _VERSION_PATTERN.match(child.name) and (child / "saved_model.pb").is_file():
            versions.append(int(child.name))
    return sorted(versions)


def next_version(out_dir):
    """The next free integer version under `out_dir` (1 when there is none)."""
    out_dir = pathlib.Path(out_dir)
    taken = [0]
    if out_dir.is_dir():
        taken += [int(c.name) for c in out_dir.iterdir() if _VERSION_PATTERN.match(c.name)]
    return max(taken) + 1


def is_saved_model(path):
    """True when `path` is a SavedModel directory or a directory of versions."""
    path = pathlib.Path(path)
    return (path / "saved_model.pb").is_file() or bool(list_versions(path))


def resolve_saved_model(path):
    """Returns the version directory for `path`: itself, or its latest version.

    Raises:
        RunDirError: `path` holds neither a `saved_model.pb` nor versions.
    """
    path = pathlib.Path(path)
    if (path / "saved_model.pb").is_file():
        return path
    versions = list_versions(path)
    if not versions:
        raise RunDirError(
            f"{path} is not a SavedModel: it holds no saved_model.pb and no "
            "integer version directories; pass a directory written by `seqkit export`"
        )
    return path / str(versions[-1])


def read_metadata(version_dir):
    """Reads `assets.extra/seqkit.json` of an export; `{}` when it is absent."""
    meta_path = pathlib.Path(version_dir) / METADATA_FILE
    if not meta_path.is_file():
        return {}
    try:
        return json.loads(meta_path.read_text())
    except (OSError, ValueError) as error:
        raise RunDirError(f"{meta_path} is corrupt ({error}); export the run again") from error


def graph_op_types(version_dir):
    """Sorted op types used by a SavedModel's graph and all its functions."""
    from tensorflow.core.protobuf import saved_model_pb2

    proto = saved_model_pb2.SavedModel()
    proto.ParseFromString((pathlib.Path(version_dir) / "saved_model.pb").read_bytes())
    ops = set()
    for meta_graph in proto.meta_graphs:
        graph = meta_graph.graph_def
        ops.update(node.op for node in graph.node)
        for function in graph.library.function:
            ops.update(node.op for node in function.node_def)
    return sorted(ops)


def classify_custom_ops(ops):
    """Splits the ops that stock TensorFlow lacks by the library that has them.

    Returns:
        dict with `tensorflow_text` (ops registered by tensorflow-text) and
        `unknown` (ops neither TensorFlow nor tensorflow-text registers). Both
        empty means stock TensorFlow (and stock TF Serving) runs the graph.
    """
    custom = [op for op in ops if not _stock_op(op)]
    result = {"tensorflow_text": [], "unknown": []}
    if not custom:
        return result
    try:
        import tensorflow_text  # noqa: F401  (registers its ops)
        from tensorflow.python.framework import op_def_registry
    except ImportError:  # pragma: no cover - tensorflow-text is a dependency
        result["unknown"] = custom
        return result
    for op in custom:
        key = "tensorflow_text" if op_def_registry.get(op) is not None else "unknown"
        result[key].append(op)
    return result


def _stock_op(op):
    """True for an op stock TensorFlow registers: `tf.raw_ops`, or the XLA ops
    (`XlaCallModule`, which a JAX-backend model's jax2tf export runs in)."""
    from tensorflow.compiler.tf2xla.ops import gen_xla_ops

    return hasattr(tf.raw_ops, op) or hasattr(gen_xla_ops, op)


def signature_summary(concrete):
    """Input and output names, dtypes and shapes of a concrete function."""

    def spec(tensor_spec):
        shape = tensor_spec.shape
        dims = None if shape.rank is None else [d for d in shape.as_list()]
        return {"dtype": tensor_spec.dtype.name, "shape": dims}

    inputs = {}
    for tensor_spec in concrete.structured_input_signature[1].values():
        inputs[tensor_spec.name] = spec(tensor_spec)
    for tensor_spec in concrete.structured_input_signature[0]:
        inputs[tensor_spec.name] = spec(tensor_spec)
    outputs = {name: spec(t) for name, t in concrete.structured_outputs.items()}
    return {"key": SIGNATURE_KEY, "inputs": inputs, "outputs": outputs}


def _task_name(run):
    task = run.task
    name = getattr(task, "name", None)
    if isinstance(name, str):
        return name
    config_task = getattr(run.config, "task", None)
    if isinstance(config_task, str):
        return config_task
    name = getattr(config_task, "name", None)
    if isinstance(name, str):
        return name
    return type(task).__name__


def _config_to_dict(config):
    if config is None:
        return None
    if hasattr(config, "to_dict"):
        config = config.to_dict()
    elif dataclasses.is_dataclass(config) and not isinstance(config, type):
        config = dataclasses.asdict(config)
    return json.loads(json.dumps(config, default=str))
