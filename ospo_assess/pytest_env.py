"""Loaded by pytest (`-p ospo_assess.pytest_env`) before Django reads its settings.

The suite runs the production code paths with DEBUG off, which needs a SECRET_KEY; this one is a
throwaway that only tests ever see.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-000000")
os.environ.setdefault("TASKS_BACKEND", "immediate")
# The test client speaks plain HTTP; the HTTPS-only settings have tests of their own.
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Hashed static names need `collectstatic` first; tests that want them collect into a tmp dir.
os.environ.setdefault("STATIC_MANIFEST", "false")
