#!/usr/bin/env bash
# Installs pat-conformance for this runner: the release binary of VERSION,
# checksum-verified, when REPO publishes one; otherwise (no release yet, a branch, a
# commit SHA, a fork, or `uses: ./`) it builds the checkout this script is in with
# `cargo install --path … --locked`. Says which it did. Used by action.yml; also runs
# by hand:
#   VERSION=v0.1.0 REPO=owner/pat-conformance DEST=~/.local/bin .github/action/install.sh
#
#   VERSION   a release tag (v0.1.0), `latest`, or empty (then: build from source)
#   REPO      the GitHub repository that publishes the releases (empty under `uses: ./`)
#   DEST      folder to put the binary in (created)
#   FROM      `auto` (default: the release when there is one, else source), `release`
#             (a missing release is an error) or `source`
#   SRC       the checkout to build (default: the one this script is in)
#   BASE_URL  where the release files are (default https://github.com/REPO/releases/...);
#             a file:// URL works, which is how the test binary exercises this script
#   CARGO_INSTALL_PROFILE  the cargo profile of a source build (default release)
# Prints the installed binary's path on its last line; with GITHUB_OUTPUT set, also
# writes `how=release` or `how=source` there.
set -euo pipefail
: "${VERSION:=}" "${REPO:=}" "${FROM:=auto}" "${DEST:?DEST is required}"
: "${SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"

said() {
  if [[ -n ${GITHUB_OUTPUT:-} ]]; then echo "how=$1" >> "$GITHUB_OUTPUT"; fi
}

from_source() {
  if [[ ! -f $SRC/Cargo.toml ]]; then
    echo "::error::no release to install ($1) and no source at $SRC to build" >&2
    exit 1
  fi
  if ! command -v cargo >/dev/null; then
    echo "::error::no release to install ($1), and cargo is not on PATH to build $SRC (install Rust, e.g. dtolnay/rust-toolchain)" >&2
    exit 1
  fi
  local ref
  ref=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo "unknown commit")
  echo "pat-conformance: building from source at $SRC ($ref), because $1" >&2
  local root
  root=$(mktemp -d)
  cargo install --path "$SRC" --locked --root "$root" --profile "${CARGO_INSTALL_PROFILE:-release}" \
    --bin pat-conformance --quiet >&2
  mkdir -p "$DEST"
  install -m 0755 "$root/bin/pat-conformance" "$DEST/pat-conformance"
  rm -rf "$root"
  "$DEST/pat-conformance" --version >&2
  echo "pat-conformance: installed from source ($ref)" >&2
  said source
  echo "$DEST/pat-conformance"
  exit 0
}

case $FROM in
  source) from_source "FROM=source" ;;
  auto | release) ;;
  *) echo "::error::FROM must be auto, release or source, not $FROM" >&2; exit 2 ;;
esac
if [[ -z $REPO || -z $VERSION ]]; then
  [[ $FROM == release ]] && { echo "::error::FROM=release needs REPO and VERSION" >&2; exit 1; }
  from_source "no release was asked for (REPO '${REPO}', VERSION '${VERSION}')"
fi

os=$(uname -s)
arch=$(uname -m)
case "$os/$arch" in
  Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  Darwin/arm64) target=aarch64-apple-darwin ;;
  *)
    [[ $FROM == auto ]] && from_source "there is no release binary for $os $arch"
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
  [[ $FROM == auto ]] && from_source "$VERSION of $REPO has no release files at $BASE_URL"
  echo "::error::failed to download $archive and SHA256SUMS from $BASE_URL (is $VERSION a release of $REPO?)" >&2
  exit 1
fi
# The archive must be listed, and match: a release that does not verify is refused,
# never replaced by a build.
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
echo "pat-conformance: installed release $VERSION of $REPO" >&2
said release
echo "$DEST/pat-conformance"
