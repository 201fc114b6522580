"""seqkit's layer library: recurrent cells and wrappers, attention, Transformer blocks.

Everything here is written with `keras.ops` only, so it runs on the TensorFlow,
JAX and PyTorch backends.
"""

# --- recurrent (cells, Recurrent, Bidirectional, stacking) ---
# --- end recurrent ---

# --- attention, positions, transformer ---
# --- end attention ---
