"""Pipeline config: load YAML files, merge them, apply overrides, validate.

A pipeline YAML file is the whole recipe of a run::

    task: classify
    data: {train: ../data/sentiment/train.csv, text_column: sentence, ...}
    tokenizer: {kind: word, vocabulary_size: 5000, max_length: 48}
    model: {embedding_dim: 64, encoder: {kind: bilstm, units: 64}, pooling: last}
    train: {optimizer: adam, learning_rate: 0.002, epochs: 6, ...}
    export: {name: sentiment}

`task` and `name` are fixed keys; every other top-level key is a section the
task declares (`Task.sections`). Shared sections (`TrainConfig`,
`ExportConfig`, `TokenizerConfig`) and the range checks live here; a task's
own sections live beside the task.
"""

from seqkit.config.build import build_section
from seqkit.config.loader import Config
from seqkit.config.loader import load_config
from seqkit.config.sections import ExportConfig
from seqkit.config.sections import TokenizerConfig
from seqkit.config.sections import TrainConfig
from seqkit.config.sections import kinds
from seqkit.config.validators import fraction
from seqkit.config.validators import non_negative
from seqkit.config.validators import positive
