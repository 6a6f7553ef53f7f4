"""Pure analysis: pandas/numpy in, dataclasses out. No I/O, no discord."""
