"""``make bench``: run every benchmark (or those named) into bench/results/.

.venv/bin/python bench/run.py            # all
.venv/bin/python bench/run.py locate     # one
make bench BENCH="layers load"           # the same through make

``layers`` is the peer comparison driven by wrk (bench/layers_wrk.py);
``layers_pyclient`` the older one with a Python client (bench/layers.py),
whose ~50 ms floor per request flattered Piiri against TiPg.
"""

import importlib
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# name -> module with a main(); each writes its own result files.
BENCHMARKS = {
    "layers": "bench.layers_wrk",
    "locate": "bench.locate",
    "mappage": "bench.mappage",
    "make_run": "bench.make_run",
    "load": "bench.load",
    "items_import": "bench.items_import",
    "feedback_routing": "bench.feedback_routing",
    "similar": "bench.similar",
}
# Runs only when named.
EXTRA = {"layers_pyclient": "bench.layers"}


def main(names: list[str]) -> None:
    known = {**BENCHMARKS, **EXTRA}
    unknown = set(names) - set(known)
    if unknown:
        sys.exit(
            f"unknown benchmark(s): {', '.join(sorted(unknown))}; "
            f"known: {', '.join(known)}"
        )
    chosen = names or list(BENCHMARKS)
    if len(chosen) > 1:
        # One process each: a benchmark sets Django up for its own database,
        # and Django, once set up, stays on the first one for the process.
        for name in chosen:
            subprocess.run([sys.executable, __file__, name], check=True)
        return
    (name,) = chosen
    print(f"==> benchmark {name}", file=sys.stderr)
    importlib.import_module(known[name]).main()


if __name__ == "__main__":
    main(sys.argv[1:])
