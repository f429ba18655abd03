"""sqlmon: test-based monitoring of ML models and their data, run inside the warehouse.

Python API::

    import sqlmon
    result = sqlmon.run("path/to/project", select=["tag:tier1"])
    if result.exit_code:            # 0 pass, 1 fail (or warn under fail_on="warn"), 2 error
        raise SystemExit(result.exit_code)
"""
__version__ = "0.1.0"


def run(*args, **kwargs):  # noqa: ANN002, ANN003 - thin re-export keeps `import sqlmon` light
    from .runner import run as _run
    return _run(*args, **kwargs)


def compile_project(*args, **kwargs):  # noqa: ANN002, ANN003
    from .runner import compile_project as _compile
    return _compile(*args, **kwargs)


__all__ = ["__version__", "compile_project", "run"]
