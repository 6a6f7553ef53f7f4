"""The daily scan and the announcement outbox sender (pure core: no discord here)."""
