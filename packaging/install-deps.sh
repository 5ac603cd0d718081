#!/usr/bin/env bash
# Installs every Debian 12 package EdgeDesk needs to build, run and test.
# Idempotent: installs only what is missing, and runs `apt-get update` only when it must install.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-websockets-dev qt6-svg-dev
  qt6-webengine-dev qt6-image-formats-plugins libgl-dev
  libquazip1-qt6-dev libmagick++-6.q16-dev libmagickcore-6.q16-6-extra
  libsodium-dev libcurl4-openssl-dev libsqlite3-dev libcpptoml-dev libarchive-dev
  # run: the sandbox (passt's pasta: outbound network of image instances) and the demo's tool set
  bubblewrap passt util-linux bash coreutils procps curl wget git jq python3 vim htop
  # tests and benchmarks; clang and its runtime for the sanitize preset and the fuzzers
  clang libclang-rt-14-dev
  xvfb xauth xfonts-base fonts-dejavu-core imagemagick wrk nginx-light dpkg-dev file
  appstream desktop-file-utils
  # container image tests: umoci writes OCI layouts, busybox-static is a ready static program
  umoci busybox-static
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: every package is present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
