"""Outputs: run folders, Zarr, Parquet, CZML, manifests."""
