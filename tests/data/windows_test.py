import numpy as np
import pytest
import tensorflow as tf

from seqkit.data import language_model_windows
from seqkit.data import read_documents
from seqkit.data import read_timeseries_csv
from seqkit.data import timeseries_windows


def _docs(*docs):
    return tf.data.Dataset.from_generator(
        lambda: iter([np.array(d, np.int32) for d in docs]),
        output_signature=tf.TensorSpec([None], tf.int32),
    )


def _pairs(ds):
    return [(x.tolist(), y.tolist()) for x, y in ds.as_numpy_iterator()]


def test_contiguous_windows_span_documents():
    ds = _docs([1, 2, 3], [4, 5, 6, 7], [8, 9, 10])
    assert _pairs(ds.apply(language_model_windows(3))) == [
        ([1, 2, 3], [2, 3, 4]),
        ([4, 5, 6], [5, 6, 7]),
        ([7, 8, 9], [8, 9, 10]),
    ]
    assert _pairs(ds.apply(language_model_windows(3, stride=4))) == [
        ([1, 2, 3], [2, 3, 4]),
        ([5, 6, 7], [6, 7, 8]),
    ]
    assert _pairs(ds.apply(language_model_windows(2, stride=1)))[:2] == [([1, 2], [2, 3]), ([2, 3], [3, 4])]


def test_random_windows_are_seeded_slices_of_the_stream():
    stream = list(range(10, 60))
    ds = _docs(stream[:20], stream[20:])
    windows = _pairs(ds.apply(language_model_windows(5, random=True, num_windows=30, seed=1)))
    assert len(windows) == 30
    for x, y in windows:
        start = stream.index(x[0])
        assert x == stream[start:start + 5] and y == stream[start + 1:start + 6]
    assert windows == _pairs(ds.apply(language_model_windows(5, random=True, num_windows=30, seed=1)))
    assert windows != _pairs(ds.apply(language_model_windows(5, random=True, num_windows=30, seed=2)))
    starts = {stream.index(x[0]) for x, _ in windows}
    assert max(starts) <= len(stream) - 6
    with pytest.raises(ValueError, match="seed"):
        language_model_windows(5, random=True)


def test_timeseries_windows_exact():
    ds = tf.data.Dataset.from_tensor_slices(
        {"t": [str(i) for i in range(8)], "a": np.arange(8.0), "b": np.arange(8.0) * 10}
    )
    out = list(ds.apply(timeseries_windows(["a", "b"], ["b"], window=3, horizon=2, stride=2)).as_numpy_iterator())
    assert len(out) == 2  # starts 0 and 2; start 4 would need steps 4..8
    x, y = out[1]
    np.testing.assert_array_equal(x, [[2, 20], [3, 30], [4, 40]])
    np.testing.assert_array_equal(y, [[50], [60]])
    assert x.dtype == np.float32


def test_char_lm_windows_on_irish_abc(shared_data):
    tunes = read_documents(shared_data / "music" / "irish.abc", record_start="X:").take(3)
    ids = tunes.map(lambda r: tf.strings.unicode_decode(r["text"] + "\n\n", "UTF-8"))
    x, y = next(ids.apply(language_model_windows(100)).as_numpy_iterator())
    text = "".join(map(chr, x))
    assert text.startswith("X:1\nT:Alexander's\n") and "".join(map(chr, y)) == text[1:] + chr(y[-1])


def test_daily_temperature_windows(shared_data):
    path = shared_data / "timeseries" / "daily-min-temperatures.csv"
    series = read_timeseries_csv(path, "Date", ["Temp"]).take(40)
    x, y = next(series.apply(timeseries_windows(["Temp"], ["Temp"], window=30, horizon=7)).as_numpy_iterator())
    assert x.shape == (30, 1) and y.shape == (7, 1)
    assert x[0, 0] == pytest.approx(20.7) and y[0, 0] == pytest.approx(15.4)  # 1981-01-31
