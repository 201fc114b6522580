"""Captioning throughput: images/s captioned by the export, and training images/s, in one run.

Measured in one process on a trained caption run (default `runs/caption`, from
`seqkit fit pipelines/caption.yaml`) and the generated scenes in `data/captions/`:

- export (greedy): the run exported to a temporary directory, loaded with
  `tf.saved_model.load`, its `serving_default` called on batches of encoded PNG
  bytes (decoding, resizing, the word loop and detokenizing all in the graph);
- export (beam 3): the same run exported with `decode.beam_width=3`;
- in memory: the run's serving module before export (the peer of the export:
  the ratio shows what the SavedModel costs or saves);
- training: `model.fit` steps on the task's training batches (decoding cached
  after the first pass, as in `seqkit fit`), images per second.

Run it under the timing lock so no other benchmark shares the CPUs:

    flock /tmp/seqkit-bench.lock python3 bench/caption.py [--run runs/caption] [--images 512]
"""

import argparse
import dataclasses
import glob
import os
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _rate(fn, count, repeats=2):
    fn()  # trace / warm up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return count / best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", default=str(ROOT / "runs" / "caption"))
    parser.add_argument("--images", type=int, default=512, help="test images captioned per timing")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--train-steps", type=int, default=20)
    args = parser.parse_args()

    import tensorflow as tf

    from seqkit import runner
    from seqkit.export import export_run

    run = runner.load_run(args.run)
    paths = sorted(glob.glob(str(ROOT / "data" / "captions" / "images" / "test_*.png")))
    paths = (paths * (args.images // max(len(paths), 1) + 1))[: args.images]
    if not paths:
        sys.exit("no data/captions/images/test_*.png: run python3 data/captions/generate.py")
    blobs = [open(p, "rb").read() for p in paths]
    batches = [tf.constant(blobs[i:i + args.batch_size]) for i in range(0, len(blobs), args.batch_size)]

    def throughput(serve):
        return _rate(lambda: [serve(image=b)["caption"].numpy() for b in batches], len(blobs))

    module = run.task.serving_module(run)
    in_memory = throughput(module.serve)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for beam in (1, 3):
            config = run.config.replace_section("decode", dataclasses.replace(run.config.decode, beam_width=beam))
            beam_run = dataclasses.replace(run, config=config, task=type(run.task)(config))
            version = export_run(beam_run, pathlib.Path(tmp) / f"beam{beam}")
            serve = tf.saved_model.load(str(version)).signatures["serving_default"]
            results[beam] = throughput(serve)

    task = run.task
    train, _ = task.read_training_data()
    batches_train = task.make_dataset(train, run.assets, training=True).dataset
    model = task.build_model(run.assets)
    import keras

    model.compile(optimizer=keras.optimizers.Adam(1e-3), **task.compile_args(run.assets))
    steps = min(args.train_steps, task.make_dataset(train, run.assets, training=True).steps)
    model.fit(batches_train.take(steps), epochs=1, verbose=0)  # trace and fill the image cache
    start = time.perf_counter()
    model.fit(batches_train.take(steps), epochs=1, verbose=0)
    training = steps * run.config.train.batch_size / (time.perf_counter() - start)

    decoder = run.config.model.decoder.kind
    print(f"run: {args.run} (decoder {decoder}, images {run.config.model.image_size}px), "
          f"{len(blobs)} PNGs in batches of {args.batch_size}")
    print(f"export, greedy:        {results[1]:8.1f} images/s")
    print(f"export, beam 3:        {results[3]:8.1f} images/s   (beam 3 / greedy {results[3] / results[1]:.2f}x)")
    print(f"in memory, run's beam: {in_memory:8.1f} images/s   "
          f"(export / in memory {results[run.config.decode.beam_width if run.config.decode.beam_width in results else 1] / in_memory:.2f}x)")
    print(f"training:              {training:8.1f} images/s   (export greedy / training {results[1] / training:.2f}x)")


if __name__ == "__main__":
    main()
