#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so the keychain
# tests reach a real Secret Service without touching the developer's own keyring. Where
# dbus-run-session or gnome-keyring-daemon is missing, the command runs as it is and the
# keychain tests say why they cannot run (and fail under CI=true).
set -eu
if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  keyring_home=$(mktemp -d)
  trap 'rm -rf "$keyring_home"' EXIT
  export OUTBOX_TEST_KEYRING=1
  XDG_DATA_HOME="$keyring_home" dbus-run-session -- sh -c '
    printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"' outbox-keyring "$@"
else
  echo "with-keyring: dbus-run-session or gnome-keyring-daemon not found; keychain tests cannot reach a Secret Service" >&2
  exec "$@"
fi
