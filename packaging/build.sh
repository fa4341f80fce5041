#!/usr/bin/env bash
# Builds what Nuage ships, into target/package/:
#   static     nuage, statically linked (glibc, +crt-static; see packaging/README.md for its limits)
#   deb        nuage_VERSION-1_amd64.deb (dpkg-deb from a staged tree: binary, systemd unit,
#              /etc/nuage, man pages, completions)
#   image      an OCI archive FROM scratch with the static binary (buildah, from Debian's packages)
# Usage: packaging/build.sh [static|deb|image|all]   (default: all; deb and image build static)
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
target=x86_64-unknown-linux-gnu
out=target/package
bin=target/$target/dist/nuage
mkdir -p "$out"
# Reproducible archives: every date is the last commit's.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}

build_static() {
  # RUSTFLAGS with --target apply to the binary only, not to build scripts and proc-macros.
  # The C parts (bundled SQLite, ring, mimalloc) are compiled by cc and link statically too.
  RUSTFLAGS="-C target-feature=+crt-static ${RUSTFLAGS:-}" CARGO_INCREMENTAL=0 \
    cargo build --locked --profile dist --target "$target" -p nuage-cli
  cp "$bin" "$out/nuage"
  if command -v file >/dev/null; then file "$out/nuage"; fi
  # A static-pie binary has no NEEDED entry (ldd would say "statically linked" and succeed).
  if readelf -d "$out/nuage" | grep -q '(NEEDED)'; then
    echo "nuage is dynamically linked:" >&2
    readelf -d "$out/nuage" | grep '(NEEDED)' >&2
    exit 1
  fi
  ls -l "$out/nuage"
}

build_deb() {
  [ -x "$out/nuage" ] || build_static
  local root=target/deb/root
  rm -rf target/deb
  mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" "$root/lib/systemd/system" \
    "$root/etc/nuage" "$root/usr/share/doc/nuage" "$root/usr/share/bash-completion/completions" \
    "$root/usr/share/zsh/vendor-completions" "$root/usr/share/fish/vendor_completions.d"
  install -m 0755 "$out/nuage" "$root/usr/bin/nuage"
  "$out/nuage" man "$root/usr/share/man/man1" >/dev/null
  gzip -9n "$root"/usr/share/man/man1/*.1
  "$out/nuage" completions bash >"$root/usr/share/bash-completion/completions/nuage"
  "$out/nuage" completions zsh >"$root/usr/share/zsh/vendor-completions/_nuage"
  "$out/nuage" completions fish >"$root/usr/share/fish/vendor_completions.d/nuage.fish"
  install -m 0644 packaging/nuage.service "$root/lib/systemd/system/nuage.service"
  install -m 0640 packaging/nuage.env "$root/etc/nuage/nuage.env"
  cat >"$root/usr/share/doc/nuage/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: nuage
Files: *
License: EUPL-1.2
COPYRIGHT
  install -m 0644 packaging/debian/conffiles "$root/DEBIAN/conffiles"
  install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
  local size
  size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
  sed -e "s/@VERSION@/$version-1/" -e "s/@SIZE@/$size/" packaging/debian/control >"$root/DEBIAN/control"
  find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  dpkg-deb --root-owner-group -Zxz --build "$root" "$out/nuage_${version}-1_amd64.deb"
  ls -l "$out/nuage_${version}-1_amd64.deb"
}

build_image() {
  [ -x "$out/nuage" ] || build_static
  command -v buildah >/dev/null || {
    echo "buildah is needed: apt-get install buildah" >&2
    exit 1
  }
  # The build context is a staged directory holding only what the image copies.
  local context=$out/image
  rm -rf "$context"
  mkdir -p "$context/zoneinfo/Europe" "$context/state"
  cp "$out/nuage" packaging/image/passwd packaging/image/group "$context/"
  cp /usr/share/zoneinfo/Europe/Paris "$context/zoneinfo/Europe/Paris"
  buildah build --timestamp "$SOURCE_DATE_EPOCH" -f packaging/Containerfile \
    -t "localhost/nuage:$version" "$context"
  rm -f "$out/nuage-image.tar"
  buildah push "localhost/nuage:$version" "oci-archive:$out/nuage-image.tar:nuage:$version"
  ls -l "$out/nuage-image.tar"
}

case "$what" in
  static) build_static ;;
  deb) build_deb ;;
  image) build_image ;;
  all) build_static; build_deb; build_image ;;
  *) echo "usage: $0 [static|deb|image|all]" >&2; exit 2 ;;
esac
