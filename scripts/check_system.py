"""Say which Debian package to install when a system library the app needs is missing."""

import shutil
import sys

MISSING_PANGO = """WeasyPrint (PDF export) cannot load its system libraries: {error}
On Debian or Ubuntu install them with:
    apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
"""


MISSING_GETTEXT = """The interface's translations are compiled with GNU gettext's msgfmt (missing).
On Debian or Ubuntu install it with:
    apt-get install gettext
"""


def main() -> int:
    if shutil.which("msgfmt") is None:
        sys.stderr.write(MISSING_GETTEXT)
        return 1
    try:
        import weasyprint  # noqa: F401
    except OSError as error:
        sys.stderr.write(MISSING_PANGO.format(error=error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
