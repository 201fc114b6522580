"""The caption task's datasets: image bytes and captions -> teacher-forced batches."""

import tensorflow as tf

from seqkit.data.images import decode_and_resize, random_shift


def group_references(table):
    """`load_image_captions` rows -> (image paths in first-seen order, [references per image])."""
    order, references = [], {}
    for path, caption in zip(table["paths"], table["captions"]):
        if path not in references:
            order.append(path)
            references[path] = []
        references[path].append(caption)
    return order, [references[p] for p in order]


def image_dataset(paths, image_size):
    """Decoded images `(H, W, 3)` float32 of `paths`, in order (for evaluation)."""
    return tf.data.Dataset.from_tensor_slices(list(paths)).map(
        lambda path: decode_and_resize(tf.io.read_file(path), image_size),
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=True,
    )


def caption_dataset(table, tokenizer, image_size, max_length, batch_size, training, seed=0, max_shift=0):
    """Batches `({"image", "tokens"}, targets)` for teacher forcing.

    `tokens` is `[START] w_1 .. w_n` and `targets` is `w_1 .. w_n [END]`, both
    0-padded to `max_length` (captions longer than `max_length - 1` words are cut).
    Images go through `decode_and_resize`, the function the serving graph calls,
    once each (the decoded images are cached). In training an epoch is one pass
    over the distinct images in a new order (from `seed`), each with one of its
    references drawn at random and shifted by up to `max_shift` pixels;
    otherwise every (image, reference) row appears once, in file order.
    """
    paths, references = group_references(table)
    counts = [len(r) for r in references]
    flat = tokenizer.tokenize(tf.constant([c for refs in references for c in refs]))[:, : max_length - 1]
    start = tf.fill([flat.nrows(), 1], tf.constant(tokenizer.start_id, tf.int32))
    end = tf.fill([flat.nrows(), 1], tf.constant(tokenizer.end_id, tf.int32))
    tokens = tf.concat([start, flat], axis=1).to_tensor(shape=[None, max_length])
    targets = tf.concat([flat, end], axis=1).to_tensor(shape=[None, max_length])
    # (images, references per image, max_length), padded with empty references.
    tokens = tf.RaggedTensor.from_row_lengths(tokens, counts).to_tensor()
    targets = tf.RaggedTensor.from_row_lengths(targets, counts).to_tensor()
    images = image_dataset(paths, image_size).cache()
    per_image = tf.data.Dataset.zip(images, tf.data.Dataset.from_tensor_slices((tokens, targets, counts)))
    if training:
        per_image = per_image.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
        shift = random_shift(max_shift, seed)

        def pick(index, example):
            image, (tokens, targets, count) = example
            which = tf.random.stateless_uniform(
                [], seed=tf.stack([tf.cast(seed + 1, tf.int64), index]), maxval=count, dtype=tf.int32
            )
            if max_shift:
                image = shift(image, index)
            return {"image": image, "tokens": tokens[which]}, targets[which]

        examples = per_image.enumerate().map(pick, num_parallel_calls=tf.data.AUTOTUNE)
    else:

        def rows(image, refs):
            tokens, targets, count = refs
            images = tf.repeat(image[None], count, axis=0)
            return tf.data.Dataset.from_tensor_slices(({"image": images, "tokens": tokens[:count]}, targets[:count]))

        examples = per_image.flat_map(lambda image, refs: rows(image, refs))
    return examples.batch(batch_size).prefetch(tf.data.AUTOTUNE)
