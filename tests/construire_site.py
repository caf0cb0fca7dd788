"""Build the real guide for a test session; tests/conftest.py starts it in the background.

    python tests/construire_site.py RESULT

`mkdocs build --clean` in the current folder (the guide: its strict configuration, into site/, executing the
notebooks that changed); its log goes to standard output. Once it has ended, RESULT holds {"returncode": N},
written whole (temporary name, then rename), so that every test process of the session can wait for it.
"""
import json
import os
import subprocess
import sys
from pathlib import Path


def main(result: Path) -> int:
    returncode = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--clean"]).returncode
    temporary = result.with_name(result.name + ".tmp")
    temporary.write_text(json.dumps({"returncode": returncode}), encoding="utf-8")
    os.replace(temporary, result)
    return returncode


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
