"""`load_config`: pipeline YAML files + overrides -> a validated `Config`.

The loader knows no section by name. Valid top-level keys are `task`, `name`
and the sections the task declares (`Task.sections`: section name ->
dataclass). The task class comes from the caller (`task_class=`) or from the
task registry, looked up by module name at call time
(`importlib.import_module(TASK_REGISTRY)`), so importing `seqkit.config` never
imports a task and tasks can import `seqkit.config` freely.
"""

import dataclasses
import importlib
import pathlib


import yaml

from seqkit.config import sources as sources_lib
from seqkit.config.build import build_section
from seqkit.config.build import to_plain
from seqkit.errors import ConfigError
from seqkit.run_dir import validate_run_name

# The module whose `get_task_class(name)` resolves `task:` (seqkit/tasks/registry.py).
TASK_REGISTRY = "seqkit.tasks.registry"
FIXED_KEYS = ("task", "name")


@dataclasses.dataclass(frozen=True)
class Config:
    """A resolved, validated pipeline config.

    Attributes:
        task: str, the registered task name.
        name: str, the run's name.
        sections: dict section name -> frozen dataclass, in the task's order.
            Each section is also an attribute: `config.train`, `config.model`.
    """

    task: str
    name: str
    sections: dict = dataclasses.field(default_factory=dict)

    def __getattr__(self, key):
        sections = self.__dict__.get("sections", {})
        if key in sections:
            return sections[key]
        raise AttributeError(f"the config has no section {key!r}. Its sections: {', '.join(sections)}")

    def to_dict(self):
        """The config as plain dicts, in file order; `load_config` reads it back."""
        result = {"task": self.task, "name": self.name}
        result.update({key: to_plain(section) for key, section in self.sections.items()})
        return result

    def to_yaml(self):
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    def replace_section(self, key, section):
        """A copy with the section `key` replaced."""
        return dataclasses.replace(self, sections={**self.sections, key: section})


def get_task_class(name):
    """The task class registered under `name` (imports the registry at call time)."""
    return importlib.import_module(TASK_REGISTRY).get_task_class(name)


def load_config(paths, overrides=(), data_overrides=None, task_class=None):
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
            here too. The splits are the `PATHS` of the task's `data` section.
        task_class: the task class, or None to look `task:` up in the registry.

    Returns:
        A frozen `Config`.

    Raises:
        ConfigError: a missing or unreadable file, invalid YAML (with its line),
            an unknown key (listing the valid ones), a value of the wrong type
            or out of range, an unknown choice (listing the valid ones).
    """
    if isinstance(paths, (str, pathlib.Path)):
        paths = [paths]
    paths = [pathlib.Path(p) for p in paths]
    if not paths:
        raise ConfigError("no config file given. Pass a pipeline YAML file, e.g. pipelines/sentiment.yaml")
    sources = ", ".join(str(p) for p in paths) + (" and --set" if overrides else "")
    documents = [(p, sources_lib.read_yaml(p)) for p in paths]
    override_dicts = [sources_lib.parse_override(o) for o in overrides]
    merged = {}
    for _, document in documents:
        merged = sources_lib.merge(merged, document)
    for override in override_dicts:
        merged = sources_lib.merge(merged, override)

    task_name = merged.get("task")
    if task_name is None:
        raise ConfigError(f"no 'task' in {sources}. Add e.g. 'task: classify'")
    if task_class is None:
        task_class = get_task_class(task_name)
    sections = task_class.sections
    unknown = sorted(set(merged) - set(FIXED_KEYS) - set(sections))
    if unknown:
        raise ConfigError(
            f"unknown key '{unknown[0]}' in {sources}. Valid top-level keys: "
            f"{', '.join(FIXED_KEYS + tuple(sections))}"
        )
    if "data" in sections:
        _resolve_data_paths(merged, sections["data"], documents, override_dicts, data_overrides)
    built = {key: build_section(cls, merged.get(key), key, sources) for key, cls in sections.items()}
    config = Config(task=task_name, name=_run_name(merged.get("name"), paths), sections=built)
    task_class.check_config(config)
    return config


def _run_name(name, paths):
    if name is None:
        name = paths[0].stem
    validate_run_name(name)
    return name


def _resolve_data_paths(merged, data_cls, documents, override_dicts, data_overrides):
    """Resolves the data section's path keys per source, then merges them in.

    Paths are relative to the YAML file that wrote them, or to the working
    directory for --set / --data.
    """
    path_keys = getattr(data_cls, "PATHS", ())
    resolved = {}
    for path, document in documents:
        data = document.get("data")
        if isinstance(data, dict):
            for key in path_keys:
                if key in data:
                    resolved[key] = sources_lib.resolve_yaml_path(data[key], path.resolve().parent)
    for override in override_dicts:
        data = override.get("data")
        if isinstance(data, dict):
            for key in path_keys:
                if key in data:
                    resolved[key] = sources_lib.resolve_cwd_path(data[key])
    data_overrides = dict(data_overrides or {})
    for split, value in data_overrides.items():
        if split not in path_keys:
            raise ConfigError(f"unknown data split {split!r} in --data. Valid splits: {', '.join(path_keys)}")
        resolved[split] = sources_lib.resolve_cwd_path(value)
    if "train" in data_overrides:
        # Another training file is another data set: the recipe's own
        # validation and test files describe the old one (other classes, other
        # distribution), so they are left out unless --data names them too.
        for split in path_keys:
            if split not in data_overrides:
                resolved[split] = None
    if resolved:
        data = merged.get("data")
        merged["data"] = {**(data if isinstance(data, dict) else {}), **resolved}


