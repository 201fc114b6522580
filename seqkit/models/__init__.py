"""Model builders shared by tasks, over `seqkit.layers`.

Each builder applies named layers to symbolic Keras tensors (functional API)
and returns tensors, so a task composes them into its `keras.Model`:

- `text_embedding(token_ids, vocabulary_size, embedding_dim, positional=None, ...)`
- `recurrent_encoder(x, mask, kind, units, num_layers=1, ...)` (rnn, lstm, gru,
  bilstm; uni- or bidirectional, stacked, sequences and/or states)
- `transformer_encoder(x, mask, num_layers, num_heads, intermediate_dim, ...)`
- `RECURRENT_KINDS`: the recurrent encoder kinds.

- `seq2seq_model(source_vocabulary_size, target_vocabulary_size, architecture, ...)`:
  the teacher-forced encoder-decoder (RNN with or without attention, or
  Transformer) and `Seq2SeqDecoding(model)` (encode, `next(prompt, cache,
  index)` for `seqkit.samplers`, attention scores); its decoders
  `RecurrentDecoder` and `TransformerDecoder` are layers.

Image captioning (the caption task):

- `build_image_encoder(image_size, output_dim, kind="cnn" | "mobilenet_v3", ...)`:
  images -> a grid of region features;
- `AttentionLSTMDecoder` (Show, Attend and Tell), or `TransformerDecoder` (the
  translation decoder) with the regions as its memory: cross-attention to the
  regions; each with a teacher-forced `call` and a one-word `step`;
- `build_captioner(...)` and `CaptionGenerator` (`next(prompt, cache, index)` for
  `seqkit.samplers`).

Forecasting (`forecasting.py`, `forecast_rollout.py`, `forecast_loss.py`,
`forecast_baselines.py`): `Forecaster` (raw windows in, forecasts in original
units out; lstm / gru / seq2seq / transformer / dlinear), `ForecastLoss`, and
the classical baselines (last value, seasonal naive, Holt-Winters).

Language models (decoder-only, with an incremental `step` / `next` for the
samplers, `seqkit.models.language_model`):

- `RecurrentLanguageModel(vocabulary_size, cell, units, num_layers, ...)`
- `TransformerLanguageModel(vocabulary_size, max_length, num_layers, ...)`
"""

from seqkit.models.attention_lstm_decoder import AttentionLSTMDecoder
from seqkit.models.captioner import CaptionGenerator
from seqkit.models.captioner import build_captioner
from seqkit.models.image_encoder import build_image_encoder
from seqkit.models.recurrent_encoder import RECURRENT_KINDS
from seqkit.models.recurrent_encoder import recurrent_encoder
from seqkit.models.recurrent_language_model import RecurrentLanguageModel
from seqkit.models.text_embedding import text_embedding
from seqkit.models.transformer_encoder import transformer_encoder
from seqkit.models.recurrent_decoder import RecurrentDecoder
from seqkit.models.seq2seq import Seq2SeqDecoding
from seqkit.models.seq2seq import seq2seq_model
from seqkit.models.transformer_decoder import TransformerDecoder

# --- forecasting ---
from seqkit.models.forecast_loss import ForecastLoss
from seqkit.models.forecasting import Forecaster
# --- end forecasting ---
from seqkit.models.transformer_language_model import TransformerLanguageModel
