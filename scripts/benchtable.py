#!/usr/bin/env python3
"""Summarise `go test -bench` output files as one markdown table.

Usage: benchtable.py FILE.txt...   (one file per package, as scripts/bench.sh writes)
For each benchmark: the median and the range of sec/op over the runs, and the
largest B/op and allocs/op seen (the hot path must show 0).
"""
import re
import statistics
import sys

line = re.compile(r'^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(.*)$')


def fmt_ns(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:.3g} {unit}"
    return f"{ns:.3g} ns"


print("| package | benchmark | median | min – max | B/op | allocs/op | runs |")
print("|---|---|---|---|---|---|---|")
for path in sys.argv[1:]:
    pkg, rows = None, {}
    for text in open(path):
        if text.startswith("pkg: "):
            pkg = text[5:].strip().replace("github.com/wakegate/wakegate/", "")
        m = line.match(text.strip())
        if not m:
            continue
        name, ns, rest = m.group(1)[len("Benchmark"):], float(m.group(2)), m.group(3)
        b = re.search(r'([\d.]+) B/op', rest)
        a = re.search(r'([\d.]+) allocs/op', rest)
        r = rows.setdefault(name, {"ns": [], "b": 0.0, "a": 0.0})
        r["ns"].append(ns)
        r["b"] = max(r["b"], float(b.group(1)) if b else 0)
        r["a"] = max(r["a"], float(a.group(1)) if a else 0)
    for name, r in rows.items():
        ns = r["ns"]
        print(f"| {pkg} | {name} | {fmt_ns(statistics.median(ns))} | {fmt_ns(min(ns))} – {fmt_ns(max(ns))} "
              f"| {r['b']:.0f} | {r['a']:.0f} | {len(ns)} |")
