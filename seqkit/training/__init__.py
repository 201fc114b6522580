"""Training: `Trainer` (strategy, precision, optimizer, callbacks, resume),
`make_optimizer`, the `WarmupDecay` schedule and history.csv."""

from seqkit.training.history import history_columns
from seqkit.training.history import read_history
from seqkit.training.optimizer import make_optimizer
from seqkit.training.schedules import WarmupDecay
from seqkit.training.trainer import Trainer
