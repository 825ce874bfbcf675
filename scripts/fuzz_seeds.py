#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (fuzz/seeds/TARGET/) from the project's
own vectors and sample data, so each fuzzer starts from valid input of
every shape the engine reads. Rerun after adding vectors; the seeds are
committed and replayed by `cargo test -p credit-harness --test replay`.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import random

ROOT = pathlib.Path(__file__).resolve().parents[1]
SEEDS = ROOT / "fuzz" / "seeds"


def write(target: str, data: bytes) -> None:
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def lines_after(path: pathlib.Path, word: str) -> list[str]:
    out = []
    for raw in path.read_text().splitlines():
        raw = raw.strip()
        if raw.startswith(word + " "):
            out.append(raw[len(word) + 1 :])
    return out


def main() -> None:
    rng = random.Random(11)
    conf = ROOT / "tests" / "conformance"
    data = ROOT / "credit-core" / "examples" / "data"
    # Terms: every notation of the shared cases, then bytes for dates and amounts.
    notations = sorted({c["terms"] for c in json.loads((conf / "terms_cases.json").read_text())["cases"]})
    for t in notations:
        head = t.encode()[:48].ljust(48, b" ")
        write("terms", head + bytes(rng.randrange(256) for _ in range(32)))
    # Policies: the sample book's and every case's.
    policies = [json.dumps(json.loads((data / "sample_book.json").read_text())["policy"])]
    policies += lines_after(conf / "book_cases.txt", "policy")
    for p in policies:
        write("policy", p.encode())
    # Scorecards: the sample card and the shared cases' card, then record bytes.
    cards = [(data / "sample_scorecard.json").read_text(),
             json.dumps(json.loads((conf / "scoring_cases.json").read_text())["card"])]
    for c in cards:
        doc = c.encode()
        write("scorecard", doc + bytes(rng.randrange(256) for _ in range(len(doc) // 3)))
    # Plans, the book: structured input from random bytes.
    for n in (16, 64, 256, 1024):
        for _ in range(4):
            write("plans", bytes(rng.randrange(256) for _ in range(n)))
            write("book", bytes(rng.randrange(256) for _ in range(n * 2)))
    # C entry points: a selector byte and a valid input for it.
    events = lines_after(conf / "book_cases.txt", "apply")
    customers = lines_after(conf / "book_cases.txt", "customer")
    limits = lines_after(conf / "book_cases.txt", "limit")
    plans = lines_after(conf / "plan_cases.txt", "terms")
    ffi = {0: notations[:8], 1: ['{"lines":[{"up_to_day":31,"body":{"type":"standard","discounts":[],"net":{"rule":"days","days":30}}}]}'],
           2: ["1234.50", "-0.01", "1e3"], 3: ["2026-02-28", "2026-02-30"], 4: ['{"weekend":["Sat","Sun"],"holidays":["2026-12-25"]}'],
           5: plans[:6], 6: cards[:1], 7: policies[:4], 9: [e.split(" => ")[0] for e in events[:12]],
           10: customers[:4], 11: limits[:4], 12: policies[:2], 17: ["100.00", "-1", "0"],
           18: ['{"x": 0.5}', '{"x": null}']}
    for sel, inputs in ffi.items():
        for s in inputs:
            write("ffi", bytes([sel]) + s.encode())


if __name__ == "__main__":
    main()
