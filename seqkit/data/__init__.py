"""Readers (file -> `tf.data.Dataset`) and transforms (dataset -> dataset, for `.apply`)."""

from seqkit.data.batching import batch_by_tokens
from seqkit.data.batching import bucket_by_length
from seqkit.data.batching import cache
from seqkit.data.batching import length_sorted_batches
from seqkit.data.batching import map_batched
from seqkit.data.batching import padded_batch
from seqkit.data.batching import parallel_map
from seqkit.data.batching import prefetch
from seqkit.data.batching import sequence_length
from seqkit.data.batching import shuffle
from seqkit.data.csv_reader import read_csv
from seqkit.data.documents import read_documents
from seqkit.data.image_captions import read_image_captions
from seqkit.data.labels import make_label_lookup
from seqkit.data.normalizer import Normalizer
from seqkit.data.parallel_text import read_parallel_text
from seqkit.data.shapes import teacher_forcing
from seqkit.data.shapes import to_many_to_one
from seqkit.data.splits import split
from seqkit.data.splits import split_in_order
from seqkit.data.splits import take_split
from seqkit.data.timeseries import read_timeseries_csv
from seqkit.data.validate import CsvStats
from seqkit.data.validate import validate_csv
from seqkit.data.windows import language_model_windows
from seqkit.data.windows import timeseries_windows
