"""Plants known bugs one at a time and checks that the named tests catch each.

Every file `bench/mutations/<area>.py` holds a list `MUTATIONS` of `Mutation`s:
a source file, an exact snippet that occurs in it once, its buggy replacement,
and the tests that must fail once the bug is planted. For each mutation this
script copies the tracked tree into a temporary directory, plants the bug
there (the checkout is never touched), runs the named tests against the copy
and prints one table row: caught (the tests failed), MISSED (they passed) or
STALE (the snippet is no longer in the file: update the mutation).

    python3 bench/mutate.py                 # every mutation
    python3 bench/mutate.py --area classify # one file of mutations
    python3 bench/mutate.py --only lowercase --repeat 5   # flakiness check

Exit status 1 when any mutation is missed or stale.
"""

import argparse
import dataclasses
import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


@dataclasses.dataclass(frozen=True)
class Mutation:
    """One planted bug.

    Attributes:
        name: short identifier, unique across all areas.
        path: source file relative to the repository root.
        old: the exact text to replace; must occur exactly once in `path`.
        new: the buggy text.
        tests: pytest node ids or paths that must fail with the bug planted.
        description: what the bug does, in words.
    """

    name: str
    path: str
    old: str
    new: str
    tests: tuple
    description: str = ""


def load_mutations(area=None):
    folder = ROOT / "bench" / "mutations"
    found = []
    for file in sorted(folder.glob("*.py")):
        if file.name.startswith("_") or (area and file.stem != area):
            continue
        spec = importlib.util.spec_from_file_location(f"mutations_{file.stem}", file)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        found += [(file.stem, m) for m in module.MUTATIONS]
    return found


def tracked_files():
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    return [line for line in out.splitlines() if line]


def copy_tree(dest):
    for rel in tracked_files():
        src = ROOT / rel
        if not src.is_file():
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


def run_one(mutation, timeout):
    with tempfile.TemporaryDirectory(prefix="seqkit-mutant-") as tmp:
        tmp = pathlib.Path(tmp)
        copy_tree(tmp)
        source = tmp / mutation.path
        text = source.read_text(encoding="utf-8") if source.is_file() else ""
        if text.count(mutation.old) != 1:
            return "STALE", 0.0
        source.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(tmp), PYTHONDONTWRITEBYTECODE="1")
        start = time.monotonic()
        try:
            result = subprocess.run(
                [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutation.tests],
                cwd=tmp, env=env, capture_output=True, text=True, timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return "caught (timeout)", time.monotonic() - start
        seconds = time.monotonic() - start
        if result.returncode in (0, 5):
            return "MISSED", seconds
        if result.returncode in (3, 4):
            # pytest could not run the named tests (a node id that does not
            # exist, a bad option): that says nothing about the bug.
            return f"ERROR (pytest exit {result.returncode})", seconds
        return "caught", seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area", help="only bench/mutations/AREA.py")
    parser.add_argument("--only", help="only mutations whose name contains this")
    parser.add_argument("--repeat", type=int, default=1, help="run each mutation N times")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per test run")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    args = parser.parse_args(argv)
    mutations = [(a, m) for a, m in load_mutations(args.area) if not args.only or args.only in m.name]
    if args.list:
        for area, m in mutations:
            print(f"{area:10s} {m.name:32s} {m.description}")
        return 0
    print(f"| area | mutation | planted bug | result | seconds |")
    print(f"|---|---|---|---|---|")
    bad = 0
    for area, m in mutations:
        outcomes = [run_one(m, args.timeout) for _ in range(args.repeat)]
        caught = sum(o.startswith("caught") for o, _ in outcomes)
        verdict = outcomes[0][0] if args.repeat == 1 else f"caught {caught}/{args.repeat}"
        if caught < args.repeat:
            bad += 1
        seconds = sum(s for _, s in outcomes) / len(outcomes)
        print(f"| {area} | {m.name} | {m.description} | {verdict} | {seconds:.0f} |", flush=True)
    print(f"\n{len(mutations) - bad} of {len(mutations)} mutations caught every time")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
