"""The house rules as a check: the import contracts of pyproject.toml (import-linter) and no
import circle anywhere in the package (function-level imports included; a module that imports its
own package, e.g. `from sqlmon import __version__`, counts). Used by tests/test_architecture.py,
in-process on the checkout and as a script on a copy with a planted violation:

    python tests/architecture.py PROJECT_DIR     # exit 1 and one line per violation when broken
"""
from __future__ import annotations

import io
import sys
from contextlib import redirect_stdout
from pathlib import Path


def circles(package: str = "sqlmon") -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan) in `package`'s import graph."""
    import grimp

    graph = grimp.build_graph(package, cache_dir=None)
    edges = {m: {i for i in graph.find_modules_directly_imported_by(m) if i in graph.modules}
             for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def broken_contracts(project_dir: Path) -> list[str]:
    """Names of the import-linter contracts of `project_dir`/pyproject.toml that do not hold."""
    from importlinter.cli import lint_imports

    out = io.StringIO()
    with redirect_stdout(out):
        code = lint_imports(config_filename=str(project_dir / "pyproject.toml"), no_cache=True, no_logo=True)
    lines = out.getvalue().splitlines()
    broken = [line.rsplit(" ", 1)[0] for line in lines if line.endswith(" BROKEN")]
    return broken or ([f"import-linter exited {code}:\n" + out.getvalue()] if code else [])


def violations(project_dir: Path) -> list[str]:
    return ([f"import circle: {' <-> '.join(group)}" for group in circles()] +
            [f"broken contract: {name}" for name in broken_contracts(project_dir)])


if __name__ == "__main__":
    problems = violations(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
    print("\n".join(problems))
    sys.exit(1 if problems else 0)
