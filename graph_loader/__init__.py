"""Loaders: one module per source with a pure ``transform(raw file) -> TransformResult``, the
framework that writes results in batches with run ids and a load report, and the two backends."""

from graph_loader.backends import GraphStore, StoreConfig, open_store
from graph_loader.framework import LoadReport, Rejection, TransformResult, load
from graph_loader.sources import (
    BUNDLED,
    SOURCES,
    bundled_path,
    ensure_schema,
    init_store,
    load_bundled,
    load_file,
    transform_file,
)

__all__ = [
    "BUNDLED",
    "GraphStore",
    "LoadReport",
    "Rejection",
    "StoreConfig",
    "TransformResult",
    "bundled_path",
    "load",
    "ensure_schema",
    "init_store",
    "load_bundled",
    "load_file",
    "SOURCES",
    "open_store",
    "transform_file",
]
