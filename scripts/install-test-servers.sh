#!/usr/bin/env bash
# Installs the real servers and the browser the tests talk to (Debian packages), when they are missing:
# redis-server, prometheus (with promtool), and chromium + chromium-driver for the dashboard's browser tests
# (driven headless through /usr/bin/chromedriver; nothing is downloaded at test time).
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v prometheus >/dev/null 2>&1 || [ -x /usr/bin/prometheus ] || missing+=(prometheus)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing test servers: ${missing[*]}"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
