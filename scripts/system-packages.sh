#!/usr/bin/env bash
# Installs the Debian packages the portal needs when they are missing (as root), or names them otherwise.
#   fonts-noto-cjk, fonts-arphic-ukai: the CJK faces of the PDF (宋/仿宋/黑 and 楷);
#   libharfbuzz-subset0: lets WeasyPrint subset those huge fonts quickly;
#   postgresql-client: pg_dump and pg_restore for `manage.py backup` / `restore` on PostgreSQL;
#   poppler-utils: pdftoppm, to look at every page of a rendered report as PNG;
#   chromium: the headless browser of the end-to-end tests (only with --with-browser);
#   nginx: the reverse proxy of the scale-out demo, bench/scaleout.py (only with --with-nginx).
set -euo pipefail
packages=(fonts-noto-cjk fonts-arphic-ukai libharfbuzz-subset0 postgresql-client poppler-utils)
for flag in "$@"; do
  case "$flag" in
    --with-browser) packages+=(chromium) ;;
    --with-nginx) packages+=(nginx) ;;
    *) echo "unknown option: $flag" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包：${missing[*]}" >&2
  echo "Missing Debian packages: ${missing[*]} — run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
