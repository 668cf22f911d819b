#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian/Ubuntu machine, then run the checks:
# ruff, the import-layering contracts, and pytest (the whole suite, two workers).
# Usage: bash scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: Chromium for the HTML report test, PostgreSQL for the shared history store test,
# LibreOffice Calc with the Noto CJK and Carlito fonts for the workbook print tests.
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium chromium-driver)
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-calc-nogui)
[ -d /usr/share/fonts/opentype/noto ] || need_apt+=(fonts-noto-cjk)
# Carlito is the metric-compatible stand-in for Calibri, the workbooks' font: without it LibreOffice
# prints the sheets in a wider font, and the print-size test cannot measure what Excel would print.
[ -d /usr/share/fonts/truetype/crosextra ] || need_apt+=(fonts-crosextra-carlito)
[ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "installing system packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

VENV="${VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e '.[dev,demo]'

"$VENV/bin/ruff" check .
"$VENV/bin/lint-imports"
"$VENV/bin/python" -m pytest -n 2 "$@"
