"""Pipeline config: load YAML files, merge them, apply overrides, validate.

A pipeline YAML file is the whole recipe of a run::

    task: classify
    data: {train: ../data/sentiment/train.csv, text_column: sentence, ...}
    tokenizer: {kind: word, vocabulary_size: 5000, max_length: 48}
    model: {encoder: bilstm, units: 64, pooling: last, ...}
    train: {optimizer: adam, learning_rate: 0.002, epochs: 6, ...}
    export: {name: sentiment}

`load_config` merges several such files (later ones override earlier ones key by
key), applies `--set key=value` overrides and `--data split=path` overrides, and
validates the result into frozen dataclasses. The sections and their defaults
belong to the task (`seqkit/tasks/<task>.py`); `TrainConfig` and `ExportConfig`
here are the parts every task shares.

Paths of data files written in a YAML file are relative to that file's
directory (a path that does not exist there but exists relative to the working
directory is taken from there); paths given with `--data` or `--set` are
relative to the working directory. The resolved config holds absolute paths.
"""

import dataclasses
import pathlib
import types
import typing
from typing import Any, ClassVar

import yaml

from seqkit.errors import ConfigError
from seqkit.run_dir import validate_run_name

TOP_LEVEL_KEYS = ("task", "name", "data", "tokenizer", "model", "train", "export")


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """How to train: optimizer, schedule, stopping, seed.

    Fields:
        optimizer: "adam", "adamw" or "sgd".
        learning_rate: float, the rate after warmup (the peak of "cosine").
        lr_schedule: "constant" (the default) or "cosine": after warmup the
            rate decays along a half cosine to 0 at the end of the last of
            `epochs` (`seqkit.schedules.WarmupDecay`). An early stop ends the
            run before the rate reaches 0; resuming with another `epochs`
            changes the curve.
        warmup_steps: int, optimizer steps (batches) of linear warmup from
            0 to `learning_rate`. 0 (the default) starts at `learning_rate`.
        ema_momentum: float in (0, 1) or None (the default: off). Keeps an
            exponential moving average of the weights
            (`avg = m * avg + (1 - m) * w` after every step, Keras'
            `use_ema`); validation, the best-weights checkpoint and the saved
            model use the averaged weights, training continues from the raw
            ones. 0.99 averages over roughly the last 100 steps.
        weight_decay: float, decoupled weight decay (adamw, sgd). 0 disables it.
        epochs: int, the most epochs to train.
        batch_size: int.
        clipnorm: float or None, clip each gradient to this global norm.
        early_stopping_patience: int or None, epochs without improvement of
            `monitor` before stopping; None trains all `epochs`.
        monitor: str, the quantity best weights and early stopping follow
            ("val_loss", "val_accuracy", ...).
        seed: int, seeds weights, shuffling and dropout.
        shuffle_buffer: int, examples held by the shuffle buffer.
    """

    optimizer: str = "adam"
    learning_rate: float = 1e-3
    lr_schedule: str = "constant"
    warmup_steps: int = 0
    ema_momentum: float | None = None
    weight_decay: float = 0.0
    epochs: int = 10
    batch_size: int = 32
    clipnorm: float | None = 1.0
    early_stopping_patience: int | None = 3
    monitor: str = "val_loss"
    seed: int = 42
    shuffle_buffer: int = 10000

    SECTION: ClassVar[str] = "train"
    CHOICES: ClassVar[dict] = {
        "optimizer": lambda: ("adam", "adamw", "sgd"),
        "lr_schedule": lambda: ("constant", "cosine"),
    }

    def __post_init__(self):
        _positive(self, "learning_rate", "epochs", "batch_size", "shuffle_buffer")
        _non_negative(self, "weight_decay", "warmup_steps")
        if self.ema_momentum is not None and not 0 < self.ema_momentum < 1:
            raise ConfigError(
                f"train.ema_momentum must be in (0, 1), or null to train without a weight "
                f"average. Received: ema_momentum={self.ema_momentum!r}"
            )
        if self.clipnorm is not None:
            _positive(self, "clipnorm")
        if self.early_stopping_patience is not None:
            _positive(self, "early_stopping_patience")


@dataclasses.dataclass(frozen=True)
class ExportConfig:
    """How `seqkit export` names the SavedModel.

    Fields:
        name: str or None, the model name TF Serving knows it by (defaults to
            the run's name).
    """

    name: str | None = None

    SECTION: ClassVar[str] = "export"


@dataclasses.dataclass(frozen=True)
class Config:
    """A resolved, validated pipeline config.

    `data`, `tokenizer`, `model` and `train` are the task's section dataclasses
    (`tokenizer` is None for tasks without text input).
    """

    task: str
    name: str
    data: Any
    model: Any
    train: Any
    export: ExportConfig
    tokenizer: Any = None

    def to_dict(self):
        """The config as plain dicts, in file order; `load_config` reads it back."""
        result = {"task": self.task, "name": self.name}
        for key in ("data", "tokenizer", "model", "train", "export"):
            section = getattr(self, key)
            if section is not None:
                result[key] = {
                    k: list(v) if isinstance(v, tuple) else v
                    for k, v in dataclasses.asdict(section).items()
                }
        return result

    def to_yaml(self):
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)


def _positive(section, *names):
    for name in names:
        value = getattr(section, name)
        if not value > 0:
            raise ConfigError(
                f"{_section_name(section)}.{name} must be > 0. Received: {name}={value!r}"
            )


def _non_negative(section, *names):
    for name in names:
        value = getattr(section, name)
        if not value >= 0:
            raise ConfigError(
                f"{_section_name(section)}.{name} must be >= 0. Received: {name}={value!r}"
            )


def _fraction(section, name, low_open=False):
    value = getattr(section, name)
    if not (0 <= value < 1) or (low_open and value == 0):
        raise ConfigError(
            f"{_section_name(section)}.{name} must be in [0, 1). Received: {name}={value!r}"
        )


def _section_name(section):
    return getattr(section, "SECTION", type(section).__name__)


# Helpers section classes call from __post_init__.
positive = _positive
non_negative = _non_negative
fraction = _fraction


def _read_yaml(path):
    path = pathlib.Path(path)
    if not path.is_file():
        raise ConfigError(
            f"config file not found: {path}. Pass the path of a pipeline YAML file, "
            "e.g. pipelines/sentiment.yaml"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark is not None else str(path)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"{where}: invalid YAML ({problem}). Fix the syntax there") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: a pipeline config must be a mapping of sections "
            f"({', '.join(TOP_LEVEL_KEYS)}). Received a {type(data).__name__}"
        )
    return data


def _merge(base, override, where):
    """Deep-merges `override` into a copy of `base`."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value, where)
        else:
            result[key] = value
    return result


def _parse_override(text):
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError(
            f"--set expects KEY=VALUE with a dotted key, e.g. model.encoder=lstm. "
            f"Received: {text!r}"
        )
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    if isinstance(value, dict):
        value = raw  # scalars and lists only; "{a: 1}" stays a string
    nested = value
    for part in reversed(key.split(".")):
        if not part:
            raise ConfigError(f"--set key {key!r} has an empty part. Use e.g. train.epochs=3")
        nested = {part: nested}
    return nested


def _resolve_yaml_path(value, base_dir):
    if not isinstance(value, str) or not value:
        return value
    path = pathlib.Path(value).expanduser()
    if path.is_absolute():
        return str(path)
    beside = (base_dir / path).resolve()
    if not beside.exists() and path.exists():
        return str(path.resolve())
    return str(beside)


def _resolve_cwd_path(value):
    if not isinstance(value, str) or not value:
        return value
    return str(pathlib.Path(value).expanduser().resolve())


def _type_ok(value, annotation):
    """Checks a YAML value against a field annotation; returns (ok, coerced value)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(annotation)
        if value is None and type(None) in options:
            return True, None
        for option in options:
            if option is type(None):
                continue
            ok, coerced = _type_ok(value, option)
            if ok:
                return True, coerced
        return False, value
    if annotation is Any:
        return True, value
    if annotation is bool:
        return isinstance(value, bool), value
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool), value
    if annotation is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return True, float(value)
        if isinstance(value, str):
            # YAML 1.1 reads "1e-4" (no dot) as a string; accept it as a number.
            try:
                return True, float(value)
            except ValueError:
                return False, value
        return False, value
    if annotation is str:
        return isinstance(value, str), value
    if origin in (tuple, list):
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (list, tuple)):
            item = typing.get_args(annotation)[0] if typing.get_args(annotation) else Any
            items = []
            for element in value:
                ok, element = _type_ok(element, item)
                if not ok:
                    return False, value
                items.append(element)
            return True, tuple(items)
        return False, value
    return True, value


def _type_name(annotation):
    if typing.get_origin(annotation) is not None and type(None) in typing.get_args(annotation):
        names = [_type_name(a) for a in typing.get_args(annotation) if a is not type(None)]
        return " or ".join(names) + " or null"
    return getattr(annotation, "__name__", str(annotation))


def build_section(cls, values, section, sources):
    """Validates the dict `values` into the dataclass `cls` (the `section` of the config)."""
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ConfigError(
            f"'{section}' must be a mapping of keys in {sources}. "
            f"Received: {values!r}"
        )
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(
            f"unknown key {section}.{unknown[0]} in {sources}. "
            f"Valid keys of '{section}': {', '.join(fields)}"
        )
    kwargs = {}
    choices = getattr(cls, "CHOICES", {})
    for name, value in values.items():
        ok, value = _type_ok(value, hints[name])
        if not ok:
            raise ConfigError(
                f"{section}.{name} must be {_type_name(hints[name])}. "
                f"Received: {name}={value!r} in {sources}"
            )
        if name in choices and value is not None:
            valid = tuple(choices[name]())
            if value not in valid:
                raise ConfigError(
                    f"unknown {section}.{name} {value!r} in {sources}. "
                    f"Valid choices: {', '.join(valid)}"
                )
        kwargs[name] = value
    try:
        instance = cls(**kwargs)
    except ConfigError as error:
        raise ConfigError(f"{error} (in {sources})") from None
    return instance


def load_config(paths, overrides=(), data_overrides=None):
    """Loads pipeline YAML files into a validated `Config`.

    Args:
        paths: a path or a list of paths of YAML files; later files override
            earlier ones key by key.
        overrides: iterable of "dotted.key=value" strings (`--set`); values
            are parsed as YAML scalars ("3" -> 3, "true" -> True, "null" -> None).
        data_overrides: dict or None, {split: path} (`--data`), e.g.
            {"train": "other.csv"}; paths relative to the working directory.
            A new "train" file drops the recipe's other data files (validation
            is then held out of the new training file) unless they are given
            here too.

    Returns:
        A frozen `Config`.

    Raises:
        ConfigError: a missing or unreadable file, invalid YAML (with its line),
            an unknown key (listing the valid ones), a value of the wrong type
            or out of range, an unknown choice (listing the valid ones).
    """
    from seqkit.tasks import registry

    if isinstance(paths, (str, pathlib.Path)):
        paths = [paths]
    paths = [pathlib.Path(p) for p in paths]
    if not paths:
        raise ConfigError("no config file given. Pass a pipeline YAML file, e.g. pipelines/sentiment.yaml")
    sources = ", ".join(str(p) for p in paths)
    documents = [(p, _read_yaml(p)) for p in paths]
    override_dicts = [_parse_override(o) for o in overrides]

    merged = {}
    for path, document in documents:
        merged = _merge(merged, document, path)
    for override in override_dicts:
        merged = _merge(merged, override, "--set")
    if overrides:
        sources += " and --set"

    unknown = sorted(set(merged) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise ConfigError(
            f"unknown key '{unknown[0]}' in {sources}. Valid top-level keys: "
            f"{', '.join(TOP_LEVEL_KEYS)}"
        )
    task_name = merged.get("task")
    if task_name is None:
        raise ConfigError(
            f"no 'task' in {sources}. Add e.g. 'task: classify'; valid tasks: "
            f"{', '.join(registry.TASKS)}"
        )
    task_cls = registry.get_task_class(task_name)
    sections = task_cls.sections

    # Data paths: relative to the YAML file that wrote them, or to the working
    # directory for --set / --data. Resolved per source before merging again.
    path_keys = getattr(sections["data"], "PATHS", ())
    merged_paths = {}
    for path, document in documents:
        data = document.get("data")
        if isinstance(data, dict):
            for key in path_keys:
                if key in data:
                    merged_paths[key] = _resolve_yaml_path(data[key], path.resolve().parent)
    for override in override_dicts:
        data = override.get("data")
        if isinstance(data, dict):
            for key in path_keys:
                if key in data:
                    merged_paths[key] = _resolve_cwd_path(data[key])
    data_overrides = dict(data_overrides or {})
    for split, value in data_overrides.items():
        if split not in path_keys:
            raise ConfigError(
                f"unknown data split {split!r} in --data. Valid splits: {', '.join(path_keys)}"
            )
        merged_paths[split] = _resolve_cwd_path(value)
    if "train" in data_overrides:
        # Another training file is another data set: the recipe's own
        # validation and test files describe the old one (other labels, other
        # distribution), so they are left out unless --data names them too.
        for split in path_keys:
            if split not in data_overrides:
                merged_paths[split] = None
    if merged_paths:
        data = merged.get("data")
        data = dict(data) if isinstance(data, dict) else {}
        data.update(merged_paths)
        merged["data"] = data

    built = {}
    for key, cls in sections.items():
        built[key] = build_section(cls, merged.get(key), key, sources)
    for key in ("data", "model", "train", "export", "tokenizer"):
        if key not in sections and merged.get(key) is not None:
            raise ConfigError(
                f"task '{task_name}' takes no '{key}' section (in {sources}). "
                f"Its sections: {', '.join(sections)}"
            )
    name = merged.get("name")
    if name is None:
        name = paths[0].stem
    validate_run_name(name)
    config = Config(
        task=task_name,
        name=name,
        data=built["data"],
        model=built["model"],
        train=built["train"],
        export=built.get("export", ExportConfig()),
        tokenizer=built.get("tokenizer"),
    )
    task_cls.check_config(config)
    return config
