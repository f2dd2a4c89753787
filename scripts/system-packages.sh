#!/usr/bin/env bash
# Install the system packages briefing needs, if any is missing (Debian; run as root or via sudo).
#   runtime: Pango for WeasyPrint, the HarfBuzz subsetter, the Charis SIL and DejaVu fonts,
#            Symbola for symbols and emoji that Charis lacks (a source may have them)
#   checks:  poppler-utils (pdftotext, pdffonts, pdftoppm) and qpdf, Chromium for the browser
#            tests, Java for the W3C Nu HTML checker, pandoc for the benchmark
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-sil-charis
          fonts-dejavu-core fonts-symbola poppler-utils qpdf chromium pandoc)
command -v java >/dev/null || packages+=(default-jre-headless)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing system packages: ${missing[*]}"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
