#!/usr/bin/env bash
# Installs the pat-conformance release binary for this runner, checksum-verified.
# Used by action.yml; also runs by hand:
#   VERSION=v0.1.0 REPO=owner/pat-conformance DEST=~/.local/bin .github/action/install.sh
#
#   VERSION   a release tag (v0.1.0), or `latest`
#   REPO      the GitHub repository that publishes the releases
#   DEST      folder to put the binary in (created)
#   BASE_URL  where the release files are (default https://github.com/REPO/releases/...);
#             a file:// URL works, which is how the test binary exercises this script
# Prints the installed binary's path on its last line.
set -euo pipefail
: "${VERSION:=latest}" "${REPO:?REPO is required}" "${DEST:?DEST is required}"

os=$(uname -s)
arch=$(uname -m)
case "$os/$arch" in
  Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  Darwin/arm64) target=aarch64-apple-darwin ;;
  *)
    echo "::error::pat-conformance has no release binary for $os $arch; build it with: cargo install pat-conformance --locked" >&2
    exit 1
    ;;
esac

if [[ -z ${BASE_URL:-} ]]; then
  if [[ $VERSION == latest ]]; then
    BASE_URL=https://github.com/$REPO/releases/latest/download
  else
    BASE_URL=https://github.com/$REPO/releases/download/$VERSION
  fi
fi
archive=pat-conformance-$target.tar.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fetch() { curl --fail --silent --show-error --location --retry 3 --output "$work/$1" "$BASE_URL/$1"; }
if ! fetch "$archive" || ! fetch SHA256SUMS; then
  echo "::error::failed to download $archive and SHA256SUMS from $BASE_URL (is $VERSION a release of $REPO?)" >&2
  exit 1
fi
# The archive must be listed, and match.
if ! grep -q " \*\?$archive\$" "$work/SHA256SUMS"; then
  echo "::error::SHA256SUMS of $VERSION does not list $archive" >&2
  exit 1
fi
if command -v sha256sum >/dev/null; then check=(sha256sum -c --ignore-missing --quiet); else check=(shasum -a 256 -c --ignore-missing --quiet); fi
if ! (cd "$work" && "${check[@]}" SHA256SUMS); then
  echo "::error::$archive does not match its checksum in SHA256SUMS: refusing to run it" >&2
  exit 1
fi
tar -C "$work" -xzf "$work/$archive"
mkdir -p "$DEST"
install -m 0755 "$work/pat-conformance-$target/pat-conformance" "$DEST/pat-conformance"
"$DEST/pat-conformance" --version >&2
echo "$DEST/pat-conformance"
