"""A trained Keras model as a TensorFlow function, on the TensorFlow or the JAX backend.

A task's serving module runs its preprocessing as TF ops and calls the model
inside a `tf.function`, so the SavedModel takes raw strings. On the TensorFlow
backend the Keras model is such a callable itself. On the JAX backend
`model_function(model)` converts it through jax2tf, by way of Keras'
`keras.export.ExportArchive`:

- the weights become `tf.Variable`s, copied when it is called (so call it on the
  trained model, after the best weights are loaded);
- the forward pass (`training=False`) becomes one `XlaCallModule` op holding
  the StableHLO of the JAX computation, lowered for the CPU and for CUDA GPUs
  (`PLATFORMS`), so an export made on a GPU machine serves on a CPU and back;
- every input dimension the model leaves open (the batch, the sequence length)
  stays open (jax2tf's shape polymorphism), as the serving signature needs.

The SavedModel of a serving module holding it loads in a process that imports
only TensorFlow: `XlaCallModule` is a stock TensorFlow op.
"""

import warnings

import keras
import tensorflow as tf

from seqkit.errors import ConfigError

# Where a converted model may run; TensorFlow picks the one it is on.
PLATFORMS = ("cpu", "cuda")
BACKENDS = ("tensorflow", "jax")


def model_function(model):
    """`model` callable on TF tensors inside a `tf.function`, for a serving module.

    Args:
        model: a built functional `keras.Model` (its `input` fixes the input
            structure, dtypes and which dimensions are open).

    Returns:
        The model itself on the TensorFlow backend; a `JaxModelFunction` on JAX.
        Either is called as `f(inputs, training=False)` and tracked by a
        `tf.Module` that holds it (its variables are saved with the module).

    Raises:
        ConfigError: the Keras backend is neither TensorFlow nor JAX.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        return model
    if backend == "jax":
        return JaxModelFunction(model)
    raise ConfigError(
        f"a SavedModel of a {backend}-backend model cannot be made (KERAS_BACKEND={backend}); "
        f"serving needs one of: {', '.join(BACKENDS)}"
    )


class JaxModelFunction(tf.Module):
    """A JAX-backend Keras model's inference pass as a TensorFlow function (jax2tf).

    Args:
        model: a built functional `keras.Model` on the JAX backend.

    Call arguments:
        inputs: TF tensors with the structure, dtypes and shapes of
            `model.input` (open dimensions may take any size).
        training: must be False (the conversion is of the inference pass).

    Returns:
        The model's outputs as TF tensors.
    """

    def __init__(self, model):
        super().__init__(name="jax_model_function")
        if not getattr(model, "built", False):
            raise ValueError(f"the model must be built before it is converted. Received: {model.name}")
        archive = keras.export.ExportArchive()
        archive.track(model)
        signature = [keras.tree.map_structure(
            lambda t: keras.InputSpec(shape=t.shape, dtype=t.dtype), model.input
        )]

        def forward(inputs):
            return model(inputs, training=False)

        with warnings.catch_warnings():
            # Keras passes jax2tf's `native_serialization`, which JAX now always does and warns about.
            warnings.simplefilter("ignore", DeprecationWarning)
            self._forward = archive.add_endpoint(
                "forward", forward, input_signature=signature,
                jax2tf_kwargs={"native_serialization_platforms": PLATFORMS, "with_gradient": False},
            )
        # The tf.Variables the converted function reads: tracked here, so a
        # SavedModel of a module holding this object saves them.
        self.model_variables = list(archive.variables)

    def __call__(self, inputs, training=False):
        if training:
            raise ValueError("a converted model runs inference only. Received: training=True")
        return self._forward(inputs)
