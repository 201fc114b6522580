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
from seqkit.layers import masks
from seqkit.layers.additive_attention import AdditiveAttention
from seqkit.layers.conv_position_encoding import ConvPositionEncoding
from seqkit.layers.dot_attention import DotAttention
from seqkit.layers.ink_map import InkMap
from seqkit.layers.multi_head_attention import MultiHeadAttention
from seqkit.layers.position_embedding import PositionEmbedding
from seqkit.layers.scaled_dot_product_attention import scaled_dot_product_attention
from seqkit.layers.sequence_pooling import SequencePooling
from seqkit.layers.sinusoidal_position_encoding import SinusoidalPositionEncoding
from seqkit.layers.token_and_position_embedding import TokenAndPositionEmbedding
from seqkit.layers.token_dropout import TokenDropout
from seqkit.layers.transformer_decoder_block import TransformerDecoderBlock
from seqkit.layers.transformer_encoder_block import TransformerEncoderBlock
# --- end attention ---

# --- forecasting ---
from seqkit.layers.ordered_quantiles import OrderedQuantiles
from seqkit.layers.series_decomposition import SeriesDecomposition
from seqkit.layers.standardization import Standardization
# --- end forecasting ---
