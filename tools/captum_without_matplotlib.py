"""Lets captum.attr import without matplotlib, which it needs only for visualisation: importing
this module (before captum) puts stub matplotlib modules on the import path when the real one is
missing. Shared by tools/make_captum_fixtures.py and bench/peers/captum_ig_mlp.py.
"""

import importlib.abc
import importlib.machinery
import sys
import types


class _StubModule(types.ModuleType):
    """Stands in for matplotlib, which captum.attr imports only for visualisation."""

    __path__ = []

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return type(name, (), {})


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] in ("matplotlib", "mpl_toolkits"):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return _StubModule(spec.name)

    def exec_module(self, module):
        pass


try:
    import matplotlib  # noqa: F401
except ImportError:
    sys.meta_path.insert(0, _StubFinder())
