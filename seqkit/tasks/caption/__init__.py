"""The caption task: an image in, a sentence out (`task: caption`)."""

from seqkit.tasks.caption.task import CaptionTask
