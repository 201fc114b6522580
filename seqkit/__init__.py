"""seqkit: sequence models from the textbook to production with Keras 3."""

__version__ = "0.1.0"
