"""Build-speed benchmark and determinism check (``make bench``; issue 7).

Measures on this machine, ``--runs`` times each (default 3), and reports the median and the spread (min-max):

- cold build: ``_build/`` emptied (execution cache, Sphinx environment, HTML; ``_build/bench`` is kept), then
  ``make book`` (the environment in ``.venv`` is reused, not reinstalled);
- no-change rebuild: ``make book`` again;
- markdown edit: ``make book`` after editing one markdown cell of one notebook;
- data edits: ``make book`` after editing one data file (a ``note`` of ``claim_sources.csv``, read by every
  chapter that loads the claims register; and one figure of ``china_dprk_trade.csv``, read by one chapter), with a
  check that the edit reached the built page;
- per notebook: execution with nbclient, split into kernel start, imports (the notebook's import statements,
  run first as one cell) and its cells (the slowest cell is named);
- the nbval run (``pytest chapters``) and the whole ``make test``;
- the reader's side (issue 11), every page of the table of contents in headless Chromium, measured by the browser
  tests' harness (``tests/support/harness.py``, ``measure_page``): requests, cold and warm bytes (gzip level 6),
  largest contentful paint, time until each chart is interactive once it has come into view.

Budgets: ``benchmarks/budgets.toml``, the one set the browser tests read too: ``[build]`` (the no-change rebuild
and the one-notebook markdown edit, as shares of the cold build) and ``[page]`` (the reader's side).
Determinism: the notebook outputs of the cold builds (read back from the execution cache, compared after nbval's
sanitizers from ``tests/nbval_sanitize.cfg``) are identical, and so are the files under ``data/``.

Every file the benchmark edits is restored, also on Ctrl-C or SIGTERM; the book is rebuilt after each restore.
Results: a table on stdout and JSON in ``_build/bench/`` (``<UTC time>.json`` and ``latest.json``; the browser
section also on its own as ``browser-latest.json``). The exit status is 1 when a budget or the determinism check
fails. ``make bench ONLY=browser`` measures the reader's side alone (on the book as built).
"""

from __future__ import annotations

import argparse
import configparser
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the helpers shared with the tests: support (budgets), support.harness
from support import BUDGETS as ALL_BUDGETS  # noqa: E402

BIN = ROOT / ".venv" / "bin"
BUILD = ROOT / "_build"
OUT = BUILD / "bench"
CACHE = BUILD / ".jupyter_cache"
CHAPTERS = ROOT / "chapters"
DATA = ROOT / "data"
SANITIZE_CFG = ROOT / "tests" / "nbval_sanitize.cfg"
BUDGETS = ALL_BUDGETS["build"]  # fraction of the cold build
MD_NOTEBOOK = CHAPTERS / "china.ipynb"
NBVAL_SKIP = {"metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
              "application/vnd.jupyter.widget-view+json"}  # nbval's skip_compare
MEASURES = ["cold", "no_change", "md_edit", "data_edit_register", "data_edit_trade", "browser", "notebooks",
            "nbval", "make_test"]


# -- restoring what we touch -----------------------------------------------------------------------------------
def _terminate(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through every ``finally`` below


@contextlib.contextmanager
def edited(path: Path, change):
    """Replace ``path``'s bytes with ``change(bytes)`` for the duration; always put the original back."""
    original = path.read_bytes()
    try:
        new = change(original)
        assert new != original, f"the edit did not change {path}"
        path.write_bytes(new)
        yield
    finally:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the restore
        try:
            path.write_bytes(original)
        finally:
            signal.signal(signal.SIGINT, previous)


def edit_markdown(raw: bytes) -> bytes:
    nb = json.loads(raw)
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    cell["source"] = source + "\n\nBenchmark edit: this sentence is removed when the benchmark ends.\n"
    return (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def edit_csv_cell(column: str, change):
    """An edit of one cell of the first data row that keeps the file valid (quoting kept by the csv module)."""
    import csv
    import io

    def apply(raw: bytes) -> bytes:
        text = raw.decode("utf-8")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        col = rows[0].index(column)
        rows[1][col] = change(rows[1][col])
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(rows)
        return out.getvalue().encode("utf-8")

    return apply


# -- running and timing ----------------------------------------------------------------------------------------
FAILED: dict[str, list[int]] = {}  # exit statuses of the test runs that failed (timed all the same)


def run(cmd: list[str] | str, log: Path, check: bool = True) -> float:
    """Run a command from the repository root, its output appended to ``log``; the wall time in seconds."""
    with log.open("a") as fh:
        fh.write(f"\n$ {cmd if isinstance(cmd, str) else ' '.join(cmd)}\n")
        fh.flush()
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, shell=isinstance(cmd, str))
        elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        if check:
            raise RuntimeError(f"{cmd} failed with status {proc.returncode}; see {log}")
        FAILED.setdefault(str(cmd), []).append(proc.returncode)
    return elapsed


def make_book(log: Path) -> float:
    return run(["make", "book"], log)


def empty_build() -> None:
    """``rm -rf _build`` except the benchmark's own results."""
    if BUILD.exists():
        for child in BUILD.iterdir():
            if child != OUT:
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


def summary(samples: list[float]) -> dict:
    return {"runs": [round(s, 3) for s in samples], "median": round(statistics.median(samples), 3),
            "min": round(min(samples), 3), "max": round(max(samples), 3)}


# -- determinism -----------------------------------------------------------------------------------------------
def sanitizers() -> list[tuple[re.Pattern, str]]:
    cfg = configparser.ConfigParser()
    cfg.read(SANITIZE_CFG)
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def comparable_outputs(nb, subs) -> list:
    """A notebook's outputs as nbval compares them: skipped keys dropped, streams merged, sanitizers applied."""
    def clean(value):
        value = "".join(value) if isinstance(value, list) else value
        if isinstance(value, str):
            for pattern, replace in subs:
                value = pattern.sub(replace, value)
        return value

    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs, streams = [], {}
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                streams[out["name"]] = streams.get(out["name"], "") + clean(out["text"])
                continue
            for key, value in out.items():
                if key == "data":
                    outs += [(mime, clean(v)) for mime, v in sorted(value.items()) if mime not in NBVAL_SKIP]
                elif key not in NBVAL_SKIP:
                    outs.append((key, clean(value)))
        cells.append(outs + sorted(streams.items()))
    return cells


def cached_outputs() -> dict[str, str]:
    """Digest of the sanitized outputs of each notebook, as executed into the execution cache by the build."""
    import nbformat
    from jupyter_cache import get_cache

    cache, subs, result = get_cache(str(CACHE)), sanitizers(), {}
    for path in sorted(CHAPTERS.glob("*.ipynb")):
        try:
            _, nb = cache.merge_match_into_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            result[path.name] = "not in the execution cache"
            continue
        text = json.dumps(comparable_outputs(nb, subs), sort_keys=True, ensure_ascii=False)
        result[path.name] = hashlib.sha256(text.encode()).hexdigest()
    return result


def data_digest() -> dict[str, str]:
    return {str(p.relative_to(DATA)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(DATA.rglob("*")) if p.is_file()}


# -- per-notebook execution ------------------------------------------------------------------------------------
def time_notebook(path: Path) -> dict:
    """Kernel start, imports and each cell of one notebook, executed directly with nbclient."""
    import ast

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    imports = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            imports += [ast.get_source_segment(cell.source, n) for n in tree.body
                        if isinstance(n, (ast.Import, ast.ImportFrom))]
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(CHAPTERS)}})
    start = time.perf_counter()
    with client.setup_kernel(stderr=subprocess.DEVNULL):  # no kernel start-up warnings in the report
        kernel = time.perf_counter() - start
        start = time.perf_counter()
        probe = nbformat.v4.new_code_cell("\n".join(imports))
        client.execute_cell(probe, 0)
        import_time = time.perf_counter() - start
        cells = {}
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                start = time.perf_counter()
                client.execute_cell(cell, index)
                cells[index] = time.perf_counter() - start
    slowest = max(cells, key=cells.get) if cells else None
    return {"kernel": kernel, "imports": import_time, "cells": sum(cells.values()),
            "slowest_cell": slowest, "slowest_cell_s": cells.get(slowest, 0.0),
            "slowest_cell_head": _head(nb.cells[slowest].source) if slowest is not None else ""}


def _head(source: str) -> str:
    """The first line of a cell that is not an import, to name it in the report."""
    lines = [ln for ln in source.splitlines() if ln.strip() and not ln.startswith(("from ", "import "))]
    return (lines or [""])[0][:60]


def import_probe(modules: list[str]) -> dict[str, float]:
    """Import time of the heavy modules a notebook kernel loads, each in a fresh interpreter."""
    out = {}
    for mod in modules:
        start = time.perf_counter()
        proc = subprocess.run([str(BIN / "python"), "-c", f"import {mod}"], cwd=ROOT, capture_output=True)
        if proc.returncode == 0:  # a module that is not installed is left out
            out[mod] = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([str(BIN / "python"), "-c", "pass"], cwd=ROOT, check=True)
    out["(interpreter start)"] = time.perf_counter() - start
    return out


# -- main ------------------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument("--only", nargs="+", choices=MEASURES, help="measure only these (default: all)")
    args = parser.parse_args(argv)
    want = set(args.only or MEASURES)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    log = OUT / f"{stamp}.log"
    results: dict = {}
    report: dict = {"started": stamp, "runs": args.runs, "machine": {
        "cpus": os.cpu_count(), "load_average_at_start": os.getloadavg(), "python": platform.python_version(),
        "platform": platform.platform()}, "results": results}
    with contextlib.suppress(Exception):
        report["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                          text=True).stdout.strip()
    data_before = data_digest()
    print(f"make bench: {args.runs} run(s) each; commands logged to {log.relative_to(ROOT)}", flush=True)

    def measure(name: str, label: str, once):
        samples = []
        for i in range(args.runs):
            samples.append(once())
            print(f"  {label}: run {i + 1}/{args.runs}: {samples[-1]:.1f} s", flush=True)
        results[name] = {"label": label, **summary(samples)}

    outputs, data_states = [], []
    if "cold" in want:
        def cold():
            empty_build()
            seconds = make_book(log)
            outputs.append(cached_outputs())
            data_states.append(data_digest())
            return seconds
        measure("cold", "cold build (empty _build/)", cold)
    else:
        make_book(log)  # a built book to start from
    if "no_change" in want:
        make_book(log)  # settle: a rebuild right after a build
        measure("no_change", "no-change rebuild", lambda: make_book(log))

    def after_edit(path: Path, change, check=None):
        def once():
            with edited(path, change):
                seconds = make_book(log)
                if check:
                    check()
            make_book(log)  # after the restore: the book matches the sources again
            return seconds
        return once

    if "md_edit" in want:
        measure("md_edit", f"markdown edit ({MD_NOTEBOOK.name})", after_edit(MD_NOTEBOOK, edit_markdown))
    stale = {}

    def reached(page: str, needle: str, key: str):
        def check():
            html = (BUILD / "html" / "chapters" / page).read_text(encoding="utf-8")
            stale.setdefault(key, []).append(needle in html)
        return check

    if "data_edit_register" in want:
        mark = "benchmark edit"
        measure("data_edit_register", "data edit (claim_sources.csv note)",
                after_edit(DATA / "claim_sources.csv", edit_csv_cell("note", lambda v: f"{v} ({mark})"),
                           reached("register.html", mark, "data_edit_register")))
    if "data_edit_trade" in want:
        measure("data_edit_trade", "data edit (china_dprk_trade.csv figure)",
                after_edit(DATA / "china_dprk_trade.csv",
                           edit_csv_cell("total_usd_million", lambda v: str(int(v) + 1)),
                           reached("china.html", '"total":5061.0', "data_edit_trade")))
    report["data_edit_reached_book"] = {k: all(v) for k, v in stale.items()}

    if "browser" in want:
        from support import harness

        print(f"  browser: every page of the table of contents, {args.runs} run(s) each ...", flush=True)
        report["browser"] = harness.measure(runs=args.runs)
        (OUT / "browser-latest.json").write_text(json.dumps(report["browser"], indent=1) + "\n")

    if "notebooks" in want:
        per: dict[str, list[dict]] = {}
        for i in range(args.runs):
            for path in sorted(CHAPTERS.glob("*.ipynb")):
                per.setdefault(path.stem, []).append(time_notebook(path))
            print(f"  per-notebook execution: run {i + 1}/{args.runs} done", flush=True)
        report["notebooks"] = {
            stem: {**{part: summary([r[part] for r in runs]) for part in ("kernel", "imports", "cells")},
                   "total": summary([r["kernel"] + r["imports"] + r["cells"] for r in runs]),
                   "slowest_cell": runs[0]["slowest_cell"], "slowest_cell_head": runs[0]["slowest_cell_head"],
                   "slowest_cell_s": summary([r["slowest_cell_s"] for r in runs])}
            for stem, runs in per.items()}
        probes = [import_probe(["rfc3987_syntax", "jsonschema", "altair", "pandas", "briefing.analysis"])
                  for _ in range(args.runs)]
        report["import_probe"] = {m: summary([p[m] for p in probes]) for m in probes[0] if all(m in p for p in probes)}
    if "nbval" in want:
        measure("nbval", "nbval (pytest chapters)", lambda: run([str(BIN / "python"), "-m", "pytest", "chapters",
                                                                 "-q", "-p", "no:cacheprovider"], log, False))
    if "make_test" in want:
        measure("make_test", "make test", lambda: run(["make", "test"], log, False))
    report["test_failures"] = FAILED

    # -- verdicts ----------------------------------------------------------------------------------------------
    ok = True
    verdicts = report["budgets"] = {}
    if "cold" in results:
        for name, limit in BUDGETS.items():
            if name in results:
                ratio = results[name]["median"] / results["cold"]["median"]
                verdicts[name] = {"ratio": round(ratio, 4), "limit": limit, "pass": ratio <= limit}
                ok &= ratio <= limit
    det = report["determinism"] = {}
    if len(outputs) >= 2:
        differing = sorted(nb for nb in outputs[0] if len({o.get(nb) for o in outputs}) > 1
                           or "not in" in outputs[0][nb])
        det["notebook_outputs"] = {"builds_compared": len(outputs), "identical": not differing,
                                   "differing": differing, "digests": outputs[0]}
        det["data_files"] = {"identical": all(s == data_before for s in data_states)}
        ok &= not differing and det["data_files"]["identical"]
    det["data_unchanged_by_benchmark"] = data_digest() == data_before
    ok &= det["data_unchanged_by_benchmark"] and all(report["data_edit_reached_book"].values())
    if "browser" in report:
        for page, v in report["browser"]["verdicts"].items():
            ok &= all(v.values())
    report["pass"] = ok

    # -- report ------------------------------------------------------------------------------------------------
    cold = results.get("cold", {}).get("median")
    print(f"\n{'measurement':44} {'median s':>9} {'min-max s':>15} {'% cold':>7}")
    for r in results.values():
        share = f"{100 * r['median'] / cold:6.1f}%" if cold else ""
        print(f"{r['label']:44} {r['median']:9.1f} {r['min']:7.1f}-{r['max']:<7.1f} {share:>7}")
    if "notebooks" in report:
        print(f"\n{'notebook (nbclient)':20} {'kernel':>7} {'imports':>8} {'cells':>7} {'total':>7}   slowest cell")
        for stem, r in report["notebooks"].items():
            print(f"{stem:20} {r['kernel']['median']:7.2f} {r['imports']['median']:8.2f} {r['cells']['median']:7.2f}"
                  f" {r['total']['median']:7.2f}   [{r['slowest_cell']}] {r['slowest_cell_s']['median']:.2f} s"
                  f" {r['slowest_cell_head']}")
        print("import in a fresh interpreter (median s): " + ", ".join(
            f"{m} {v['median']:.2f}" for m, v in report["import_probe"].items()))
    print()
    for name, v in verdicts.items():
        print(f"budget {name}: {100 * v['ratio']:.1f}% of cold (limit {100 * v['limit']:.0f}%): "
              f"{'PASS' if v['pass'] else 'FAIL'}")
    for cmd, statuses in FAILED.items():
        print(f"note: {cmd} failed (exit {statuses}) in {len(statuses)} run(s); its time is still reported; see the log")
    for key, value in report["data_edit_reached_book"].items():
        print(f"{key}: the edit {'reached' if value else 'DID NOT reach'} the built page")
    if "notebook_outputs" in det:
        n = det["notebook_outputs"]
        print(f"determinism: notebook outputs of {n['builds_compared']} cold builds "
              f"{'identical' if n['identical'] else 'DIFFER: ' + ', '.join(n['differing'])} (after nbval's "
              f"sanitizers); data/ files {'identical' if det['data_files']['identical'] else 'DIFFER'}: "
              f"{'PASS' if n['identical'] and det['data_files']['identical'] else 'FAIL'}")
    else:
        print("determinism: not checked (needs the cold build with --runs >= 2)")
    if "browser" in report:
        from support import harness

        print("\nthe reader's side (headless Chromium, " + f"{report['browser']['runs']} run(s) per page):")
        print("\n".join(harness.table(report["browser"])))
        failed = sorted({f"{k} ({p})" for p, v in report["browser"]["verdicts"].items() for k, ok_ in v.items()
                         if not ok_})
        print(f"browser budgets: {'PASS' if not failed else 'FAIL: ' + ', '.join(failed)}")
    report["finished"] = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(report, indent=1, sort_keys=True) + "\n"
    (OUT / f"{stamp}.json").write_text(text)
    (OUT / "latest.json").write_text(text)
    print(f"results: {(OUT / f'{stamp}.json').relative_to(ROOT)} (and latest.json); overall "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
