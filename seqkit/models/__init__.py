"""Model builders shared by tasks, over `seqkit.layers`.

Each builder applies named layers to symbolic Keras tensors (functional API)
and returns tensors, so a task composes them into its `keras.Model`:

- `text_embedding(token_ids, vocabulary_size, embedding_dim, positional=None, ...)`
- `recurrent_encoder(x, mask, kind, units, num_layers=1, ...)` (rnn, lstm, gru,
  bilstm; uni- or bidirectional, stacked, sequences and/or states)
- `transformer_encoder(x, mask, num_layers, num_heads, intermediate_dim, ...)`
- `RECURRENT_KINDS`: the recurrent encoder kinds.

Decoders and an image encoder join here with the tasks that need them.
"""

from seqkit.models.recurrent_encoder import RECURRENT_KINDS
from seqkit.models.recurrent_encoder import recurrent_encoder
from seqkit.models.text_embedding import text_embedding
from seqkit.models.transformer_encoder import transformer_encoder
