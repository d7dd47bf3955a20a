#!/usr/bin/env bash
# Install headless Chromium and its driver from Debian packages for the
# dashboard end-to-end test (tests/dashboard/test_e2e.py). The test drives the
# system browser at /usr/bin/chromium through playwright; we never let
# playwright download its own browser build (`playwright install`), so the
# setup stays offline apart from the Debian mirror. The Noto fonts make Chinese
# text and the page icons render in screenshots.
set -euo pipefail

PACKAGES=(chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji)
if dpkg -s "${PACKAGES[@]}" >/dev/null 2>&1; then
    echo "already installed: $(/usr/bin/chromium --version 2>/dev/null || true)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${PACKAGES[@]}"
echo "installed: $(/usr/bin/chromium --version 2>/dev/null || true)"
