"""``make bench``: run every benchmark (or those named) into bench/results/.

.venv/bin/python bench/run.py            # all
.venv/bin/python bench/run.py locate     # one
"""

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# name -> module with a main(); each writes its own result files.
BENCHMARKS = {
    "layers": "bench.layers",
    "locate": "bench.locate",
    "mappage": "bench.mappage",
    "make_run": "bench.make_run",
    "load": "bench.load",
    "items_import": "bench.items_import",
    "feedback_routing": "bench.feedback_routing",
    "similar": "bench.similar",
}


def main(names: list[str]) -> None:
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        sys.exit(
            f"unknown benchmark(s): {', '.join(sorted(unknown))}; "
            f"known: {', '.join(BENCHMARKS)}"
        )
    for name in names or list(BENCHMARKS):
        print(f"==> benchmark {name}", file=sys.stderr)
        importlib.import_module(BENCHMARKS[name]).main()


if __name__ == "__main__":
    main(sys.argv[1:])
