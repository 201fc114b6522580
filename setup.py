"""Packaging for seqkit."""

import pathlib

from setuptools import find_packages
from setuptools import setup

HERE = pathlib.Path(__file__).parent


def read_requirements():
    lines = (HERE / "requirements.txt").read_text().splitlines()
    return [
        line.strip()
        for line in lines
        if line.strip() and not line.strip().startswith("#")
    ]


setup(
    name="seqkit",
    version="0.1.0",
    description=(
        "Keras 3 / TensorFlow toolkit for sequence models: layers, data "
        "pipelines and a CLI that trains, evaluates, exports and scores."
    ),
    long_description=(HERE / "README.md").read_text(),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(include=["seqkit", "seqkit.*"]),
    install_requires=read_requirements(),
    extras_require={
        "test": [
            "pytest>=8",
            # TF-IDF + logistic-regression baseline in bench/ and tests.
            "scikit-learn>=1.4",
            # Runs the layer tests a second time under KERAS_BACKEND=jax.
            "jax[cpu]>=0.4.30",
            # ... and a third time under KERAS_BACKEND=torch. Pinned exactly:
            # 2.13.0 is the CPU build that pip finds on the project's machines
            # (a local wheel); a bare `torch` or a range admitting a newer
            # release pulls a CUDA build of several GB from PyPI.
            "torch==2.13.0",
            # The generate task's ABC tunes: validity checks, MIDI, the default corpus.
            "music21>=9,<11",
            # `seqkit score --runner beam` and its tests (see the `beam` extra).
            "apache-beam>=2.77,<3",
        ],
        # `pip install -e .[music]`: pipelines/music.yaml reads the ABC tunes music21's
        # wheel ships and checks/plays generated tunes with it.
        "music": ["music21>=9,<11"],
        # `pip install -e .[beam]`: `seqkit score --runner beam` runs the scoring core as an
        # Apache Beam pipeline (DirectRunner here; Flink, Spark, Dataflow through --beam-option),
        # an existing distributed engine rather than a home-made one. 2.77 is the release tested
        # here; its protobuf range (< 7) meets TensorFlow 2.21's (>= 6.31.1).
        "beam": ["apache-beam>=2.77,<3"],
    },
    entry_points={"console_scripts": ["seqkit = seqkit.cli:main"]},
)
