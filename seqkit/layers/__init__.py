"""seqkit's layer library: recurrent cells and wrappers, attention, Transformer blocks.

Everything here is written with `keras.ops` only, so it runs on the TensorFlow,
JAX and PyTorch backends.
"""

# --- recurrent (cells, Recurrent, Bidirectional, stacking) ---
from seqkit.layers.bidirectional import Bidirectional
from seqkit.layers.gru import GRU
from seqkit.layers.gru_cell import GRUCell
from seqkit.layers.lstm import LSTM
from seqkit.layers.lstm_cell import LSTMCell
from seqkit.layers.recurrent import Recurrent
from seqkit.layers.simple_rnn import SimpleRNN
from seqkit.layers.simple_rnn_cell import MyRNNCell
from seqkit.layers.simple_rnn_cell import SimpleRNNCell
from seqkit.layers.stacked_recurrent import StackedRecurrent
# --- end recurrent ---

# --- attention, positions, transformer ---
# --- end attention ---
