"""Writes seqkit's default next-word data set: `sentences.txt` beside this file.

Everyday English sentences from a small grammar of requests, plans, places,
times and descriptions ("i would like to go to the station tomorrow
morning .", "my sister is reading a long book in the garden ."), one per line.
The grammar has real structure for a language model to learn (agreement of
subject and verb, a verb's objects, where "to" and "the" go) while staying
small enough to train on two CPU cores in a couple of minutes. The sentences
are drawn with a fixed seed, so the file is the same on every machine.

    python3 data/next_word/generate.py
"""

import pathlib
import random

SEED = 11
SENTENCES = 6000

PEOPLE = ["my sister", "my brother", "my friend", "the teacher", "the doctor", "our neighbour",
          "the old man", "the little girl", "my mother", "my father", "the new student", "tom", "mary"]
PLACES = ["the station", "the market", "the beach", "the library", "the park", "the museum",
          "the cinema", "the office", "the airport", "the hospital", "school", "work", "the river"]
TIMES = ["tomorrow", "tomorrow morning", "tonight", "this evening", "next week", "on monday",
         "on saturday", "after lunch", "before dinner", "at noon", "later", "today"]
FOODS = ["a cup of tea", "a cup of coffee", "some bread", "a glass of water", "some soup",
         "an apple", "a sandwich", "some rice", "a piece of cake", "some fish"]
THINGS = ["a book", "a letter", "the newspaper", "a song", "the map", "a new car", "a small house",
          "the tickets", "a red bicycle", "an old camera", "the keys", "a warm coat"]
ADJECTIVES = ["long", "short", "old", "new", "beautiful", "boring", "strange", "quiet", "busy", "cold"]
ACTIVITIES = ["reading", "writing", "cooking", "walking", "sleeping", "working", "singing", "waiting"]
ROOMS = ["in the garden", "in the kitchen", "at home", "in the car", "on the train", "in the park"]
GO_VERBS = ["go to", "walk to", "drive to", "come back from", "visit", "leave"]
WANTS = ["i would like to", "i want to", "we need to", "i have to", "we are going to", "i hope to"]
DO_VERBS = {"buy": THINGS, "read": ["a book", "the letter", "the newspaper", "the map"],
            "eat": FOODS, "drink": ["a cup of tea", "a cup of coffee", "a glass of water"],
            "find": THINGS, "sell": THINGS, "write": ["a letter", "a song", "a short story"]}


def sentence(rng):
    c = rng.choice
    kind = rng.randrange(7)
    if kind == 0:
        return f"{c(WANTS)} {c(GO_VERBS)} {c(PLACES)} {c(TIMES)} ."
    if kind == 1:
        verb = c(sorted(DO_VERBS))
        return f"{c(WANTS)} {verb} {c(DO_VERBS[verb])} {c(TIMES)} ."
    if kind == 2:
        return f"{c(PEOPLE)} is {c(ACTIVITIES)} {c(ROOMS)} ."
    if kind == 3:
        thing = c(THINGS)
        return f"{c(PEOPLE)} bought {thing} at {c(PLACES)} {c(TIMES)} ."
    if kind == 4:
        return f"would you like {c(FOODS)} ?"
    if kind == 5:
        return f"where is {c(PLACES)} ?"
    return f"the {c(['film', 'book', 'story', 'trip', 'meeting', 'day'])} was {c(ADJECTIVES)} and {c(ADJECTIVES)} ."


def main():
    rng = random.Random(SEED)
    lines = [sentence(rng) for _ in range(SENTENCES)]
    path = pathlib.Path(__file__).resolve().parent / "sentences.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} sentences to {path}")


if __name__ == "__main__":
    main()
