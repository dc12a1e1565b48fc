import os

# The test suite runs the production code paths with DEBUG off; only the key is a throwaway.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-000000")
