#!/usr/bin/env bash
# Install the Debian packages a set-up needs, those that are missing only (run as root or via
# sudo). Usage: system-packages.sh brief|test
#   brief: Python's venv, Pango for WeasyPrint, the HarfBuzz subsetter, the Charis SIL and
#          DejaVu fonts, Symbola for symbols and emoji that Charis lacks (a source may have them)
#   test:  brief's, and poppler-utils (pdftotext, pdffonts, pdftoppm) and qpdf, Chromium for
#          the browser tests, Java for the W3C Nu HTML checker, npm for the checkers, pandoc
#          for the benchmark
set -euo pipefail
usage="usage: $0 brief|test"
[ $# -eq 1 ] || { echo "$usage" >&2; exit 2; }
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-sil-charis
          fonts-dejavu-core fonts-symbola)
# Debian's python3 makes a venv only with python3-venv; another Python (pyenv, uv) has ensurepip.
"${PYTHON:-python3}" -c 'import ensurepip' 2>/dev/null || packages+=(python3 python3-venv)
case "$1" in
  brief) ;;
  test)
    packages+=(poppler-utils qpdf chromium pandoc)
    command -v java >/dev/null || packages+=(default-jre-headless)
    command -v npm >/dev/null || packages+=(npm)
    ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing system packages: ${missing[*]}"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
