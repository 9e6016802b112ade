"""newsetl: raw scraped news in, tidy validated Parquet out (Prefect flows over pure stages)."""

__version__ = "0.1.0"
