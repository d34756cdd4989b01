#!/usr/bin/env bash
# Make a fresh Debian machine ready to build, test and demo fleet: the Debian packages the lab needs
# (only when missing), the npm packages (only when package-lock.json changed), and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have sshd || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
have ssh || need+=(openssh-client)
have ssh-keygen || need+=(openssh-client)
have ip || need+=(iproute2)
have iptables || [ -x /usr/sbin/iptables ] || need+=(iptables)
have sudo || need+=(sudo)
have git || need+=(git)
have ps || need+=(procps)
have unshare || need+=(util-linux)
# The pipeline's tests start their own Redis servers on loopback.
have redis-server || [ -x /usr/bin/redis-server ] || need+=(redis-server)
have curl || need+=(curl)
# The differential suite (test/compat/) runs every playbook under ansible-playbook too.
have ansible-playbook || need+=(ansible-core)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${need[*]} (run: sudo apt-get install -y ${need[*]})" >&2
  else
    echo "setup: installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Install without starting the daemons a package brings (redis-server): tests start their own.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || { rm -f /usr/sbin/policy-rc.d; exit 1; }
    rm -f /usr/sbin/policy-rc.d
  fi
fi

# onnxruntime-node (under @huggingface/transformers) would fetch CUDA binaries from nuget.org at
# install time; its CPU runtime ships in the package, which is all the caption handler uses.
export ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip
stamp=node_modules/.fleet-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: npm ci"
  # Some registries lack other platforms' optional packages (rollup's), which leaves them out of the
  # lock file and makes `npm ci` refuse it; `npm install` then installs the same locked versions.
  if ! npm ci --no-audit --no-fund --loglevel=error 2>/tmp/fleet-npm-ci.log; then
    echo "setup: npm ci refused the lock file ($(grep -m1 -o 'Missing: [^ ]*' /tmp/fleet-npm-ci.log || echo 'see /tmp/fleet-npm-ci.log')); installing with npm install"
    npm install --no-save --no-audit --no-fund --loglevel=error
  fi
  cp package-lock.json "$stamp"
fi

echo "setup: build"
npm run --silent build
