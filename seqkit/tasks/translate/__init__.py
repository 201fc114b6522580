"""The translate task: sentence pairs -> an encoder-decoder that writes the target sentence.

`TranslateTask` (task.py) over: config sections (config.py), tokenizer assets
(assets.py), pair files and teacher-forced batches (data.py), the model
(model.py, `seqkit.models.seq2seq_model`), the loss (loss.py), evaluation with
sacreBLEU / chrF / exact match (evaluation.py), the in-graph serving module
(serving.py) and attention maps (attention.py, attention_map.py).
"""

from seqkit.tasks.translate.task import TranslateTask
