#!/usr/bin/env python3
"""make bench: samtal against ripgrep and NLTK on generated corpora (../shared/bench/gen.py).

Sizes from $BENCH_SIZES (default "10M 100M"; "1G" takes minutes to generate and load). Corpora are
cached in build/bench/SIZE. For each size it prints one Markdown table: samtal's median time per
query (after the corpus is loaded), ripgrep's scan of the raw files for the same word, NLTK's
ConcordanceIndex lookup, the hit counts (so a tokenisation difference shows) and the ratios.
No test asserts any of these times.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")
REPS = int(os.environ.get("BENCH_REPS", "5"))


def run(cmd, **kw):
    """Runs cmd; returns (stdout, wall seconds, peak RSS of the child in MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)  # reaped here, so its own rusage is ours to read
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"bench: {' '.join(cmd)} failed ({code}):\n{err}")
    return out, wall, usage.ru_maxrss / 1024


def corpus(size):
    path = os.path.join(ROOT, "build", "bench", size)
    if not os.path.isdir(path):
        print(f"generating {size} corpus in {path} ...", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(SHARED, "gen.py"), "--size", size, "--out", path],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def rg_count(path, pattern):
    times, hits = [], 0
    for _ in range(3):
        out, wall, _ = run(["rg", "-i", "-w", "--count-matches", "--no-filename", pattern, path])
        times.append(wall)
        hits = sum(int(x) for x in out.split())
    return statistics.median(times) * 1000, hits


def main():
    sizes = os.environ.get("BENCH_SIZES", "10M 100M").split()
    have_rg = shutil.which("rg") is not None
    for size in sizes:
        path = corpus(size)
        out, wall, rss = run([os.path.join(ROOT, "build", "bin", "samtal"),
                              os.path.join(ROOT, "bench", "samtal_bench.lua"), path, str(REPS)])
        s = json.loads(out.strip().splitlines()[-1])
        nltk = None
        if os.environ.get("BENCH_NLTK", "1") == "1":
            nout, nwall, nrss = run(["/usr/bin/python3",  # with Debian python3-nltk
                                     os.path.join(SHARED, "nltk_conc.py"), path, "wordpunct", "3"])
            nltk = json.loads(nout.strip().splitlines()[-1])
            nltk["rss"] = nrss
        mb = s["bytes"] / 1e6
        print(f"\n### {size} corpus: {mb:.0f} MB, {s['tokens']:,} tokens\n")
        print(f"samtal load + tokenise + index: {s['load_s']:.2f} s ({mb / s['load_s']:.0f} MB/s), "
              f"whole run peak RSS {rss:.0f} MB; save {s['save_s']:.2f} s to "
              f"{s['saved_bytes'] / 1e6:.0f} MB ({s['saved_bytes'] / s['bytes']:.1f}x the text); "
              f"reopen {s['reopen_ms']:.1f} ms")
        if nltk:
            print(f"NLTK read + wordpunct_tokenize + ConcordanceIndex: {nltk['load_total_s'] + nltk['index_s']:.2f} s, "
                  f"peak RSS {nltk['maxrss_mb']:.0f} MB")
        print()
        print("| query | samtal ms | hits | ripgrep ms | hits | rg / samtal | NLTK ms | hits | NLTK / samtal |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        words = {"count vi": "vi", "count och": "och", "kwic tillgänglighet": "tillgänglighet",
                 "kwic samverkan": "samverkan", "kwic nära vård": "nära vård", "count nära vård": "nära vård",
                 "count vård*": "vård\\w*", "kwic och": "och"}
        nkeys = {"count vi": "vi", "count och": "och", "kwic tillgänglighet": "tillgänglighet",
                 "kwic samverkan": "samverkan", "kwic nära vård": "nära vård", "kwic och": "och"}
        for name, q in s["queries"].items():
            row = [name.replace("|", "\\|"), f"{q['ms']:.2f}", str(q["hits"])]
            if have_rg and name in words:
                ms, hits = rg_count(path, words[name])
                row += [f"{ms:.1f}", str(hits), f"{ms / max(q['ms'], 1e-3):.0f}x"]
            else:
                row += ["", "", ""]
            nq = nltk and nltk["queries"].get(nkeys.get(name))
            if nq:
                row += [f"{nq['median_s'] * 1000:.1f}", str(nq["hits"]), f"{nq['median_s'] * 1000 / max(q['ms'], 1e-3):.0f}x"]
            else:
                row += ["", "", ""]
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
