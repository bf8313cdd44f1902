#!/bin/sh
# CI entry point: start the throwaway sshd, run test.mjs, always tear the sshd down.
#   sh run-all.sh                 # as root
#   EXTRA_SHELLS=1 sh run-all.sh  # also install tcsh zsh fish busybox (login-shell and no-perl tests;
#                                 # test.mjs skips those it does not find)
set -u
cd "$(dirname "$0")" || exit 1
if [ "${EXTRA_SHELLS:-}" = 1 ]; then
  apt-get install -y -qq tcsh zsh fish busybox >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq tcsh zsh fish busybox >/dev/null 2>&1; } ||
    echo "run-all: could not install the extra shells; their tests are skipped" >&2
fi
sh setup-sshd.sh >/dev/null || exit 1
trap 'sh teardown-sshd.sh >/dev/null' EXIT
node test.mjs
