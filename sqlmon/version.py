"""The version, in a module of its own: `from sqlmon import __version__` inside the package
would import the package from its own modules (an import circle)."""
__version__ = "0.1.0"
