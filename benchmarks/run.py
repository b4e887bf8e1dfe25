"""Print how fast nnlib is, as ratios to baselines measured in the same run.

    python benchmarks/run.py                 # everything, including a clean book build
    python benchmarks/run.py --skip-build    # all but the clean book build (minutes)
    python benchmarks/run.py --quick         # fewer repeats, smaller softmax batch
    python benchmarks/run.py --only 2,4      # some items only
    python benchmarks/run.py --json out.json # also write the rows as JSON
    python benchmarks/run.py --wall          # wall clock, BLAS with all its threads

Items: 1 Linear vs raw BLAS, 2 MLP training step vs hand-written NumPy (and vs
einops.einsum), 3 the article's training vs a minimal loop, 4 Softmax backward vs the
explicit Jacobian, 5 one learning-rate slider move vs the retraining alone, 6 one epoch
of mini-batch training on the digits vs scikit-learn, 7 the book: the digits chapter
executed alone, and a clean build of both editions against the English edition alone,
8 Conv2d forward + backward vs PyTorch's conv2d (skipped without PyTorch) and vs
chapter 11's loops.

Timings depend on the machine and on what else runs on it; the ratios travel better.
By default every timing is processor time (``time.process_time``) with BLAS on one
thread: what each computation costs, steady even when other programs load the
machine (chapter 8 of the book shows why). ``--wall`` measures the wall clock with
BLAS on all its threads instead: what a reader waits on an idle machine, noisy on a
busy one. Item 7 (executing notebooks) is always wall-clock time; chapter 9 then
runs with OPENBLAS_NUM_THREADS=1 unless ``--wall``.
The exit status is 1 if a row fails its target, else 0.
"""

import argparse
import contextlib
import json
import math
import sys
import time

import cases
import conv
import digits
import numpy as np
from machine import blas_info, describe_blas
from threadpoolctl import threadpool_limits

ITEMS = (1, 2, 3, 4, 5, 6, 7, 8)


def run_item(item: int, quick: bool, build: bool = True,
             clock=time.process_time) -> list[cases.Row]:
    repeats = 5 if quick else 11
    if item == 1:
        return [cases.linear_case(np.float32, repeats=repeats, clock=clock),
                cases.linear_case(np.float64, repeats=repeats, clock=clock)]
    if item == 2:
        return cases.mlp_case(repeats=repeats, clock=clock)
    if item == 3:
        return [cases.article_training_case(repeats=repeats, clock=clock)]
    if item == 4:
        return [cases.softmax_case(batch=32 if quick else 128, repeats=1 if quick else 3,
                                   clock=clock)]
    if item == 5:
        return [cases.slider_case(repeats=repeats, clock=clock)]
    if item == 6:
        row = digits.digits_epoch_case(item=6, repeats=repeats)
        if clock is not time.perf_counter:
            row.notes.append("wall-clock time: benchmarks/digits.py takes no clock")
        return [row]
    if item == 7:
        one_thread = clock is not time.perf_counter  # the policy of the other items
        return ([cases.notebook_case(one_blas_thread=one_thread)]
                + ([cases.book_build_case()] if build else []))
    if item == 8:
        return conv.conv_case(repeats=repeats, loop_repeats=1 if quick else 3, clock=clock)
    raise ValueError(f"no item {item}; items are {ITEMS}")


def format_time(seconds: float | None, item: int) -> str:
    if seconds is None or math.isnan(seconds):
        return "-"
    if item == 7:
        return f"{seconds:.1f} s"
    return f"{seconds * 1e3:.3f} ms" if seconds < 0.01 else f"{seconds * 1e3:.1f} ms"


def format_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    return f"{ratio:.0f}x" if ratio >= 100 else f"{ratio:.2f}x"


def table(rows: list[cases.Row]) -> str:
    header = ("#", "what", "candidate", "time", "baseline", "time", "ratio", "target", "result")
    lines = [header]
    for row in rows:
        result = "info" if row.passed is None else ("PASS" if row.passed else "FAIL")
        lines.append((str(row.item), row.what, row.candidate,
                      format_time(row.candidate_s, row.item), row.baseline or "-",
                      format_time(row.baseline_s, row.item), format_ratio(row.ratio),
                      row.target, result))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for k, line in enumerate(lines):
        out.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
                   .rstrip())
        if k == 0:
            out.append("  ".join("-" * width for width in widths))
    for row in rows:
        agreement = "" if row.agreement is None else f"max rel diff {row.agreement:.1e}"
        for note in filter(None, [agreement, *row.notes]):
            out.append(f"  [{row.item}] {note}")
    return "\n".join(out)


def parse_only(text: str) -> list[int]:
    items = sorted({int(part) for part in text.split(",") if part.strip()})
    unknown = [i for i in items if i not in ITEMS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown item(s) {unknown}; items are {ITEMS}")
    return items


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats and a smaller softmax batch")
    parser.add_argument("--only", type=parse_only, metavar="N[,N...]",
                        help=f"run only these items (of {', '.join(map(str, ITEMS))})")
    parser.add_argument("--skip-build", action="store_true",
                        help="skip the clean book build of item 7 (it takes minutes)")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON here")
    parser.add_argument("--wall", action="store_true",
                        help="wall-clock times with BLAS on all its threads (default: "
                             "processor time, one BLAS thread)")
    args = parser.parse_args(argv)

    items = args.only or list(ITEMS)
    info = blas_info()
    print(describe_blas(info))
    clock = time.perf_counter if args.wall else time.process_time
    how = ("wall-clock time, BLAS on all its threads" if args.wall
           else "processor time, BLAS on one thread")
    print(f"items {items}{' (quick)' if args.quick else ''}; {how}; times are medians of "
          "interleaved rounds; ratio = median over rounds of candidate / baseline (same "
          "round)\n", flush=True)
    rows = []
    start = time.perf_counter()
    one_thread = (contextlib.nullcontext() if args.wall
                  else threadpool_limits(limits=1, user_api="blas"))
    with one_thread:
        for item in items:
            item_start = time.perf_counter()
            rows += run_item(item, args.quick, build=not args.skip_build, clock=clock)
            print(f"  item {item} done in {time.perf_counter() - item_start:.1f} s",
                  file=sys.stderr, flush=True)
    print(table(rows))
    load_now = blas_info()["load_average"]
    if args.wall and load_now is not None and load_now > (info["cpus"] or 1):
        print(f"\nnote: the machine is busy (load {load_now:.1f} on {info['cpus']} CPUs); "
              "multithreaded BLAS slows down a lot when its threads wait for a busy core, "
              "so these wall-clock figures are noisier than usual")
    failed = [row for row in rows if row.passed is False]
    print(f"\n{len(rows) - len(failed)} of {len(rows)} rows without failure; "
          f"{time.perf_counter() - start:.0f} s in all")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"blas": info, "versions": cases.versions(), "quick": args.quick,
                       "clock": clock.__name__,
                       "rows": [row.as_dict() for row in rows]}, out, indent=2, default=str)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
