"""What training can use on the Keras backend a run is under (`KERAS_BACKEND`).

TensorFlow trains every task with every strategy. On JAX (Keras' way onto a
GPU through jax and XLA) a task trains when it lists "jax" in `Task.backends`,
on one device: `--strategy mirrored|multi-worker` are `tf.distribute`
strategies, which place and update TensorFlow variables and leave a JAX
model's untouched, so they are refused rather than silently training on one
device. `--precision mixed` is checked where the policy is made
(`seqkit.training.precision.dtype_policy`), `--jit-compile` works on both.
"""

from seqkit.errors import ConfigError


def check_backend(task_class, strategy="default", backend=None):
    """Raises ConfigError (one line, naming the backend) when `task_class` cannot
    train with `strategy` on Keras backend `backend` (None: the one Keras runs on)."""
    if backend is None:
        import keras

        backend = keras.backend.backend()
    task_class.check_backend(backend)
    if backend != "tensorflow" and strategy != "default":
        raise ConfigError(
            f"--strategy {strategy} distributes through tf.distribute, which trains TensorFlow-backend "
            f"models only, not {backend} ones (KERAS_BACKEND={backend}); train with --strategy default "
            "or under KERAS_BACKEND=tensorflow"
        )
