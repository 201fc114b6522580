"""Building blocks every text task shares (classify, generate, translate, caption).

- `data_config.TextDataConfig`: data files, text column, held-out split and
  its phrase filters, probes (a task subclasses it to add its columns).
- `data`: files exist, read a CSV's columns, split training data, count rows.
- `filters`: held-out phrase filters (`min_words`, `drop_phrases_of`).
- `tokenizer`: build a tokenizer from `TokenizerConfig`, adapt it, save and
  load it as a run asset.
- `serving`: in-graph text -> padded ids for a serving module.
"""
