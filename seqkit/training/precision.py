"""The Keras dtype policy behind `--precision float32|mixed`.

"mixed" computes in half precision and keeps the variables in float32:
`mixed_float16` on a GPU (the optimizer gets loss scaling, which Keras adds
when it compiles a model under that policy) and `mixed_bfloat16` on a CPU
(bfloat16 has float32's range, so it needs no loss scaling). Task heads keep
their logits and softmax in float32 (`Trainer.build` checks every output).
"""

from seqkit.errors import ConfigError

PRECISIONS = ("float32", "mixed")


def check_precision(name):
    if name not in PRECISIONS:
        raise ConfigError(f"unknown precision {name!r}; choose one of {', '.join(PRECISIONS)}")


def dtype_policy(name):
    """The Keras dtype policy name for precision `name` on this machine's backend.

    Raises:
        ConfigError: an unknown name, or "mixed" on a backend and device that
            cannot compute in the half-precision type (checked by running one
            small matmul in it).
    """
    check_precision(name)
    if name == "float32":
        return "float32"
    import keras

    backend = keras.backend.backend()
    compute = "float16" if _has_gpu(backend) else "bfloat16"
    try:
        x = keras.ops.ones((2, 2), dtype=compute)
        keras.ops.convert_to_numpy(keras.ops.matmul(x, x))
    except Exception as error:  # the backend's own error type varies
        raise ConfigError(
            f"--precision mixed needs {compute} matmuls, which the {backend} backend cannot run "
            f"here ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}); "
            "train with --precision float32"
        ) from None
    return f"mixed_{compute}"


def _has_gpu(backend):
    if backend == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_logical_devices("GPU"))
    if backend == "jax":
        import jax

        return any(d.platform == "gpu" for d in jax.devices())
    if backend == "torch":
        import torch

        return torch.cuda.is_available()
    return False
