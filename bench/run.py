#!/usr/bin/env python3
"""make bench: samtal against ripgrep, GNU grep and NLTK on generated corpora (../shared/bench/gen.py).

Sizes from $BENCH_SIZES (default "10M 100M"; "1G" takes minutes to generate and load). Corpora are
cached in build/bench/SIZE. For each size it prints one Markdown table: samtal's median time per
query (after the corpus is loaded), ripgrep's and GNU grep's scans of the raw files for the same word, NLTK's
ConcordanceIndex lookup, the hit counts (so a tokenisation difference shows) and the ratios; and the
build (samtal index with one thread and with all) against a C loop that only splits the words
and one that also interns them and lists their positions (bench/split_words.c), with peak memory and the saved size beside the text's.
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
    return out, wall, usage.ru_maxrss * 1024 / 1e6  # MB of 10^6 bytes, as the text's size


def ratio(peer_ms, samtal_ms):
    """peer / samtal, with a decimal below 10 (0.3x: samtal is the slower)."""
    r = peer_ms / max(samtal_ms, 1e-3)
    return f"{r:.1f}x" if r < 10 else f"{r:.0f}x"


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


def grep_count(path, pattern):
    """GNU grep's scan of the same files: every match (-o), case-insensitive whole words."""
    times, hits = [], 0
    for _ in range(3):
        out, wall, _ = run(["sh", "-c", "grep -r -o -i -w -E \"$1\" \"$2\" | wc -l", "grep", pattern, path])
        times.append(wall)
        hits = int(out.strip() or 0)
    return statistics.median(times) * 1000, hits


def median_run(cmd, reps=3, env=None):
    """Median wall time and the largest peak RSS of `reps` runs of cmd."""
    times, peak, out = [], 0, ""
    for _ in range(reps):
        out, wall, rss = run(cmd, env=env)
        times.append(wall)
        peak = max(peak, rss)
    return statistics.median(times), peak, out


def build_table(path, mb):
    """Load + tokenise + index + save (samtal index), one thread and all of them, against two
    plain C loops (bench/split_words.c): one that only splits words, and one that also interns
    each word in a hash table and lists each word's positions (the least an index needs)."""
    split = os.path.join(ROOT, "build", "split_words")
    base_s, base_rss, base_out = median_run([split, path])
    base_bytes, base_words, _ = base_out.split()
    reps = 1 if mb > 500 else 3
    index_s, index_rss, index_out = median_run([split, "--index", path], reps)
    _, _, _, index_forms = index_out.split()
    saved = os.path.join(ROOT, "build", "bench", "build-check.samtal")
    rows = []
    for threads in ("1", str(os.cpu_count() or 1)):
        env = dict(os.environ, SAMTAL_THREADS=threads)
        secs, rss, _ = median_run([os.path.join(ROOT, "build", "bin", "samtal"), "index", path, "-o", saved],
                                  reps, env)
        size = os.path.getsize(saved)
        rows.append((threads, secs, rss, size))
    os.remove(saved)
    print("| build (samtal index: load, tokenise, index, save) | s | MB/s | peak RSS MB | x text | saved MB | x text "
          "| x C split loop | x C index loop |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| C loop that only splits words ({int(base_words):,} words) | {base_s:.2f} | {mb / base_s:.0f} | "
          f"{base_rss:.0f} | | | | 1.0 | |")
    print(f"| C loop that splits, interns each word and lists its positions ({int(index_forms):,} distinct) "
          f"| {index_s:.2f} | {mb / index_s:.0f} | {index_rss:.0f} | | | | {index_s / base_s:.1f} | 1.0 |")
    for threads, secs, rss, size in rows:
        print(f"| samtal, {threads} thread{'s' if threads != '1' else ''} | {secs:.2f} | {mb / secs:.0f} | {rss:.0f} | "
              f"{rss / mb:.1f} | {size / 1e6:.0f} | {size / 1e6 / mb:.1f} | {secs / base_s:.1f} | {secs / index_s:.1f} |")
    print()


def main():
    sizes = os.environ.get("BENCH_SIZES", "10M 100M").split()
    have_rg = shutil.which("rg") is not None
    have_grep = shutil.which("grep") is not None
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
        if os.environ.get("BENCH_BUILD", "1") == "1":
            build_table(path, mb)
        print("| query | samtal ms | hits | ripgrep ms | hits | rg / samtal | GNU grep ms | hits | grep / samtal "
              "| NLTK ms | hits | NLTK / samtal |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        words = {"count vi": "vi", "count och": "och", "kwic tillgänglighet": "tillgänglighet",
                 "kwic samverkan": "samverkan", "kwic nära vård": "nära vård", "count nära vård": "nära vård",
                 "count vård*": "vård\\w*", "kwic och": "och"}
        # NLTK's find_concordance builds every line: it is compared with samtal's concordances that
        # build every line too, not with a count: as hit tables, and as text (hits:lines())
        nkeys = {f"kwic {w}, every line{kind}": w for w in ("vi", "och", "tillgänglighet", "samverkan", "nära vård")
                 for kind in ("", " as text")}
        for name, q in s["queries"].items():
            row = [name.replace("|", "\\|"), f"{q['ms']:.2f}", str(q["hits"])]
            if have_rg and name in words:
                ms, hits = rg_count(path, words[name])
                row += [f"{ms:.1f}", str(hits), ratio(ms, q['ms'])]
            else:
                row += ["", "", ""]
            if have_grep and name in words:
                ms, hits = grep_count(path, words[name])
                row += [f"{ms:.1f}", str(hits), ratio(ms, q['ms'])]
            else:
                row += ["", "", ""]
            nq = nltk and nltk["queries"].get(nkeys.get(name))
            if nq:
                row += [f"{nq['median_s'] * 1000:.1f}", str(nq["hits"]), ratio(nq['median_s'] * 1000, q['ms'])]
            else:
                row += ["", "", ""]
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
