#!/usr/bin/env bash
# Installs the Debian packages the gateway needs to build and test, only when some are missing.
# Safe to run again: it does nothing when everything is present.
set -euo pipefail

packages=(
  pkg-config
  libcurl4-openssl-dev
  libssl-dev
  libsqlite3-dev
  libopenblas-dev
  zlib1g-dev
  postgresql
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing missing packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
