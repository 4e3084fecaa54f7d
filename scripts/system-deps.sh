#!/bin/sh
# Install the system libraries the publisher needs, or say what to install.
# WeasyPrint needs Pango; HarfBuzz's subsetter keeps font subsetting fast
# (without it a build is ~10x slower); poppler-utils and qpdf read PDFs back in
# the tests, Chromium checks the live preview, LibreOffice (writer, no GUI)
# opens the Word edition. Fonts are bundled in
# assets/fonts/, so no system CJK font is needed.
set -eu

# Usage: system-deps.sh [runtime|test]. `runtime` is what building a report
# needs; `test` adds the PDF readers and the browser the tests use.
RUNTIME_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 python3-venv"
TEST_PACKAGES="poppler-utils qpdf chromium unicode-data libreoffice-writer-nogui"
case "${1:-runtime}" in
    test) DEBIAN_PACKAGES="$RUNTIME_PACKAGES $TEST_PACKAGES" ;;
    *) DEBIAN_PACKAGES="$RUNTIME_PACKAGES" ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    cat >&2 <<MSG
publisher: not a Debian/Ubuntu system, so nothing was installed. Install:
  - Pango >= 1.44 and HarfBuzz with its subset library (libharfbuzz-subset)
    Fedora: dnf install pango harfbuzz poppler-utils qpdf chromium libreoffice-writer
    macOS:  brew install pango harfbuzz poppler qpdf (and Chromium and LibreOffice for the tests)
  - Python >= 3.11 with venv
MSG
    exit 0
fi

missing=""
for pkg in $DEBIAN_PACKAGES; do
    if [ "$pkg" = python3-venv ] && python3 -c 'import ensurepip, venv' 2>/dev/null; then
        continue
    fi
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $pkg" ;;
    esac
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "publisher: installing system packages:$missing"
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "publisher: please run as root: apt-get install -y$missing" >&2
    exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
