"""`task: forecast`: time-series windows in, the next values out (see task.py)."""
