"""Committee documents: Cabinet-ready PDF action plans and recommendation trackers.

- ``spec``: what a document is (kind, recommendations, options), its URL and content key;
- ``content``: what it says, read through ``recommendations.plan.load_plan``;
- ``render``: the PDF, with WeasyPrint (tagged PDF/UA-1, no network);
- ``service``: from the cache, made now, or queued; publishing to a meeting;
- ``jobs`` and ``worker``: making large documents in the background.

The names below are loaded when first used, so importing this package imports neither the
models (the worker imports it before Django is set up) nor WeasyPrint.
"""

_EXPORTS = {
    "DocumentSpec": "spec",
    "InvalidDocument": "spec",
    "obtain": "service",
    "publish": "service",
    "published_documents_for": "service",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
