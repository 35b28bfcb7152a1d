#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages a headless machine needs to run gdviz (Qt + OpenGL under Xvfb).
set -euo pipefail
packages=(
  xvfb xauth
  libgl1 libegl1 libgl1-mesa-dri libglx-mesa0
  libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-randr0 libxcb-shape0 libxcb-xkb1 libxcb-xinerama0 libxcb-xfixes0
  libfontconfig1 fonts-dejavu-core libdbus-1-3 libglib2.0-0
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-linux-deps: all ${#packages[@]} packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-linux-deps: installed ${missing[*]}"
