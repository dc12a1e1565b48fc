"""`manage.py bench`: the benchmark lives with the rest of the benchmark code, in `bench/run.py`."""

from bench.run import Command

__all__ = ["Command"]
