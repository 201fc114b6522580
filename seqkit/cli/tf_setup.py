"""Importing TensorFlow for a command without its start-up chatter.

TensorFlow's C++ side writes a few lines to stderr while it is imported and
when it first looks for devices (oneDNN, CUDA probing, "All log messages
before absl::InitializeLog() ..."). They come before absl's logging is set up,
so `TF_CPP_MIN_LOG_LEVEL` does not hold them back, and they say nothing a
seqkit user can act on: a one-line error should stand alone. `import_tensorflow`
captures stderr at the file-descriptor level for those two moments, drops the
known start-up lines and passes every other line through (a warning a user can
act on still shows). Python-side TensorFlow and absl logging keep warnings.

A user who wants every line sets `TF_CPP_MIN_LOG_LEVEL` to 0 or 1 themselves.
"""

import contextlib
import os
import re
import sys
import tempfile

# Lines TensorFlow prints at start-up on every machine: absl's notice that it
# is not initialised, INFO lines, and the probing for CUDA libraries and GPUs
# a CPU-only machine lacks.
_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|I\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+\] "
    r"|[WE]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ (cuda_\w+|cudart_stub|cuda_dnn|cuda_fft|cuda_blas|"
    r"cuda_platform|cuda_executor|cuda_diagnostics|computation_placer|gpu_device|tf_trt)\.cc:\d+\] "
    r"|To enable the following instructions: .*rebuild TensorFlow with the appropriate compiler flags\.)"
)


def is_noise(line):
    """True for a start-up line TensorFlow prints on every run.

    >>> is_noise("I0000 00:00:1795986045.139024   11785 port.cc:153] oneDNN custom operations are on.")
    True
    >>> is_noise("W0000 00:00:1795986045.1   1 saver.cc:12] Cannot save: disk full")
    False
    """
    return bool(_NOISE.match(line))


@contextlib.contextmanager
def filtered_stderr(noise=is_noise):
    """Captures stderr at the file-descriptor level (child processes' too) while the
    block runs, then passes on the lines for which `noise(line)` is false.

    When the block raises a `SeqkitError` every captured line is dropped: the
    error's one line says what went wrong.
    """
    from seqkit.errors import SeqkitError

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (embedded use): nothing to filter
        yield
        return
    failed = False
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        except SeqkitError:
            failed = True
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            text = capture.read().decode("utf-8", "replace")
            kept = [line for line in text.splitlines() if line.strip() and not noise(line)]
            if kept and not failed:
                sys.stderr.write("\n".join(kept) + "\n")
                sys.stderr.flush()


def import_tensorflow():
    """Imports TensorFlow (and Keras) and sets up its devices, quietly; returns the module."""
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        return tf
    user_level = os.environ.get("TF_CPP_MIN_LOG_LEVEL")
    if user_level is not None and user_level in ("0", "1"):
        import tensorflow as tf

        _set_up_devices(tf)
        return tf
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with filtered_stderr():
        import tensorflow as tf

        _set_up_devices(tf)  # device probing prints its lines now, not later
    import logging

    # Retracing notices and the like: TensorFlow's, not the user's, to act on.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return tf


def _set_up_devices(tf):
    import keras

    if keras.backend.backend() != "tensorflow":
        # Under KERAS_BACKEND=jax TensorFlow only feeds the data (tf.data) and
        # serves; the GPUs are the backend's, and TensorFlow would take their
        # memory as it starts.
        tf.config.set_visible_devices([], "GPU")
    tf.config.list_logical_devices()
