"""Reading pipeline YAML files, merging them and parsing `--set` overrides.

Data paths written in a YAML file are relative to that file's directory (a
path that does not exist there but exists relative to the working directory is
taken from there); paths given with `--data` or `--set` are relative to the
working directory.
"""

import pathlib

import yaml

from seqkit.errors import ConfigError


def read_yaml(path):
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
            f"(task, name and the task's sections). Received a {type(data).__name__}"
        )
    return data


def merge(base, override):
    """Deep-merges `override` into a copy of `base`.

    A string where a mapping follows is the short form of `{kind: string}`
    (a `seqkit.config.kinds` field), so `--set model.encoder=transformer
    --set model.encoder.num_heads=2` keeps the kind.
    """
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), str):
            result[key] = {"kind": result[key]}
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result


def parse_override(text):
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


def resolve_yaml_path(value, base_dir):
    if not isinstance(value, str) or not value:
        return value
    path = pathlib.Path(value).expanduser()
    if path.is_absolute():
        return str(path)
    beside = (base_dir / path).resolve()
    if not beside.exists() and path.exists():
        return str(path.resolve())
    return str(beside)


def resolve_cwd_path(value):
    if not isinstance(value, str) or not value:
        return value
    return str(pathlib.Path(value).expanduser().resolve())
