"""The generate task: language models for ABC tunes and text, with samplers."""

from seqkit.tasks.generate.task import GenerateTask
