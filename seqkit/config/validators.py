"""Range checks that section dataclasses call from `__post_init__`.

Each raises `ConfigError` naming `<section>.<field>` and the value received.
"""

from seqkit.errors import ConfigError


def section_name(section):
    """The dotted name a section reports in errors (its `SECTION`, else its class name)."""
    return getattr(section, "SECTION", type(section).__name__)


def positive(section, *names):
    for name in names:
        value = getattr(section, name)
        if not value > 0:
            raise ConfigError(f"{section_name(section)}.{name} must be > 0. Received: {name}={value!r}")


def non_negative(section, *names):
    for name in names:
        value = getattr(section, name)
        if not value >= 0:
            raise ConfigError(f"{section_name(section)}.{name} must be >= 0. Received: {name}={value!r}")


def fraction(section, name):
    value = getattr(section, name)
    if not 0 <= value < 1:
        raise ConfigError(f"{section_name(section)}.{name} must be in [0, 1). Received: {name}={value!r}")
