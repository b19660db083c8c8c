#!/bin/sh
# Create the virtual environment and install Raccord with its test tools.
# Usage: sh scripts/bootstrap.sh [python] [venv-dir]
set -eu
PYTHON="${1:-python3}"
VENV="${2:-.venv}"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Raccord needs Python >= 3.11")'
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[dev]"
echo "Environment ready in $VENV"
