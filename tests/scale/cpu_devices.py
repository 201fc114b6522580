"""Runs the `seqkit` CLI with the CPU split into N logical devices.

`python -m tests.scale.cpu_devices N fit ...`: the split must happen before
TensorFlow initialises, so it runs in its own process.
"""

import sys


def main(argv):
    import tensorflow as tf

    count = int(argv[0])
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * count)
    from seqkit.cli import main as cli

    cli.main(args=argv[1:], prog_name="seqkit")


if __name__ == "__main__":
    main(sys.argv[1:])
