"""Container health check: exit 0 when the app answers 200 on /healthz (it reaches the database).

Asks http://127.0.0.1:$PORT/healthz with the first name of ALLOWED_HOSTS as Host, so that
Django's host check passes whatever the deployment's host names are. /healthz is exempt from the
HTTPS redirect. Standard library only; runs in well under the check's timeout.
"""

import os
import sys
import urllib.error
import urllib.request


def host() -> str:
    first = (os.environ.get("ALLOWED_HOSTS") or "localhost").split(",")[0].strip()
    if first in ("", "*"):
        return "localhost"
    if first.startswith("."):  # ".example.org" allows every subdomain
        return "healthcheck" + first
    return first


def main() -> int:
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host()})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - fixed URL
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"healthcheck: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
