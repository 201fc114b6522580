"""Text classification: many-to-one, tokens -> one label.

- `config`: the data, model (nested encoder) and train sections.
- `assets`: `ClassifyAssets(tokenizer, labels)`, saved under `assets/`.
- `data`: label checks, rows -> padded ids and one-hot labels.
- `model`: the Keras classifier over `seqkit.models`.
- `evaluation`: the classification report and its summary line.
- `serving`: the serving module and its spec.
- `task`: `ClassifyTask`, the `seqkit.tasks.Task` tying them together.
"""

from seqkit.tasks.classify.config import ENCODERS
from seqkit.tasks.classify.task import ClassifyTask
