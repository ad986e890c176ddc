#!/bin/sh
# Fails unless the password is in the environment, like a real login would.
set -eu
[ -n "${THEPASSWORD:-}" ] || { echo 'use_secret.sh: THEPASSWORD is not set' >&2; exit 1; }
echo "logged in with a ${#THEPASSWORD}-character password"
