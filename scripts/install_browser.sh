#!/usr/bin/env bash
# Install headless Chromium and its driver from Debian packages for the
# dashboard end-to-end test (tests/dashboard/test_e2e.py). The test drives the
# system browser at /usr/bin/chromium through playwright; we never let
# playwright download its own browser build (`playwright install`), so the
# setup stays offline apart from the Debian mirror.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || true)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium chromium-driver fonts-noto-cjk
echo "installed: $(/usr/bin/chromium --version 2>/dev/null || true)"
