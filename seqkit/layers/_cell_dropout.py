"""Variational dropout for seqkit's recurrent cells (a mixin, private).

Gal & Ghahramani's recipe, as Keras' cells do it: one mask for the inputs and
one for the recurrent state, drawn once per sequence and reused at every time
step. `Recurrent` draws them before its loop; a cell called on its own in
training draws new ones at each call (it cannot know where a sequence
starts). The recurrent mask multiplies h_{t-1} where it enters the recurrent
products only; the carried state itself is never dropped.
"""

import keras
from keras import ops


class CellDropout:
    """Mixin: `dropout`, `recurrent_dropout` and `seed` for a cell with `units`.

    The cell calls `_init_dropout` in `__init__`, adds `_dropout_config()` to
    its config, applies the input mask before `project_inputs` and passes the
    recurrent mask to `step_projected`.
    """

    def _init_dropout(self, dropout, recurrent_dropout, seed):
        for name, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
                raise ValueError(f"`{name}` must be a float in [0, 1). Received: {name}={rate!r}")
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.seed = seed
        # Only a cell that drops anything owns a seed generator, so cells
        # without dropout keep exactly Keras' variables.
        self.seed_generator = None
        if self.dropout or self.recurrent_dropout:
            self.seed_generator = keras.random.SeedGenerator(seed)

    def dropout_masks(self, batch_size, input_dim):
        """`(input_mask (batch, input_dim) or None, recurrent_mask (batch, units) or None)`.

        Entries are 0 or `1 / (1 - rate)` (inverted dropout: nothing to
        rescale at inference).
        """
        input_mask = recurrent_mask = None
        dtype = self.compute_dtype
        if self.dropout:
            ones = ops.ones((batch_size, input_dim), dtype=dtype)
            input_mask = keras.random.dropout(ones, self.dropout, seed=self.seed_generator)
        if self.recurrent_dropout:
            ones = ops.ones((batch_size, self.units), dtype=dtype)
            recurrent_mask = keras.random.dropout(ones, self.recurrent_dropout, seed=self.seed_generator)
        return input_mask, recurrent_mask

    def _call_with_dropout(self, inputs, states, training):
        """`call` of a cell used on its own: fresh masks when training."""
        recurrent_mask = None
        if training and (self.dropout or self.recurrent_dropout):
            input_mask, recurrent_mask = self.dropout_masks(ops.shape(inputs)[0], ops.shape(inputs)[-1])
            if input_mask is not None:
                inputs = inputs * input_mask
        return self.step_projected(self.project_inputs(inputs), states, recurrent_mask)

    def _dropout_config(self):
        return {"dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}


def masked_state(h_prev, recurrent_mask):
    """h_{t-1} as it enters the recurrent products."""
    return h_prev if recurrent_mask is None else h_prev * recurrent_mask
