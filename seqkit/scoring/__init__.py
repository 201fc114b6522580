"""Batch scoring: the core (`core`: records -> inputs -> output columns, from a
`seqkit.serving.ServingSpec`) and the local runner (`local.score_csv`).

A run directory is turned into a `Scorer` by `seqkit.runner.scorer`; this
package imports no task and no runner.
"""

from seqkit.scoring.core import MISSING_MARKERS
from seqkit.scoring.core import Scorer
from seqkit.scoring.local import DEFAULT_BATCH_SIZE
from seqkit.scoring.local import DEFAULT_CHUNK_SIZE
from seqkit.scoring.local import ON_ERROR_CHOICES
from seqkit.scoring.local import ScoreProgress
from seqkit.scoring.local import ScoreResult
from seqkit.scoring.local import load_saved_model_scorer
from seqkit.scoring.local import score_csv
