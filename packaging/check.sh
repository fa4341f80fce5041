#!/usr/bin/env bash
# As root on a fresh Debian machine: build the Debian package, install it, start the service,
# check /healthz and one assessment through the API, then remove it. The image is built when
# buildah is there (or NUAGE_CHECK_IMAGE=1 installs it) and runs one assessment.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "packaging/check.sh installs a package: run it as root" >&2; exit 1; }

start=$(date +%s)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
packaging/build.sh deb
deb=$(ls target/package/nuage_*_amd64.deb)
echo "built in $(( $(date +%s) - start )) s: $(du -h "$deb" | cut -f1) $deb, binary $(du -h target/package/nuage | cut -f1)"

t=$(date +%s)
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
echo "installed in $(( $(date +%s) - t )) s"
test -x /usr/bin/nuage && test -f /usr/share/man/man1/nuage-assess.1.gz
test -f /usr/share/bash-completion/completions/nuage
getent passwd nuage >/dev/null

manual=
# Whatever happens, the server started by hand does not outlive the check.
trap '[ -n "$manual" ] && kill "$manual" 2>/dev/null || true' EXIT
if [ -d /run/systemd/system ]; then
  systemctl is-enabled nuage.service
else
  # No systemd here (a container): run what the unit runs, as its user, in its directories.
  echo "no systemd: starting the unit's command by hand"
  install -d -o nuage -g nuage -m 0750 /var/lib/nuage
  (cd /var/lib/nuage && exec runuser -u nuage -- env NUAGE_DATABASE_URL=sqlite:///var/lib/nuage/nuage.db \
    NUAGE_SIGNING_KEY=/var/lib/nuage/signing-key.pem \
    /usr/bin/nuage serve --listen 127.0.0.1:8080 --log-format json >/tmp/nuage-check.log 2>&1) &
  manual=$!
fi
ok=
for _ in $(seq 1 50); do
  if curl -fsS http://127.0.0.1:8080/healthz >/dev/null 2>&1; then ok=1; break; fi
  sleep 0.2
done
[ -n "$ok" ] || { echo "the service did not answer /healthz" >&2; { journalctl -u nuage --no-pager -n 50 || cat /tmp/nuage-check.log; } >&2; exit 1; }
curl -fsS http://127.0.0.1:8080/healthz; echo
verdict=$(curl -fsS -H 'Content-Type: application/toml' --data-binary @examples/portail-demarches.toml \
  http://127.0.0.1:8080/api/v1/assess | python3 -c 'import json,sys; print(json.load(sys.stdin)["verdict"])')
expected=$(/usr/bin/nuage assess examples/portail-demarches.toml --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["verdict"])')
echo "assessed through the service: $verdict"
[ "$verdict" = "$expected" ] || { echo "the service says $verdict, the command $expected" >&2; exit 1; }
test -f /var/lib/nuage/nuage.db
# The service seals with its own key, created on first start and readable by its user only.
curl -fsS http://127.0.0.1:8080/api/v1/evidence/key | python3 -c 'import json,sys; k=json.load(sys.stdin); assert k["fingerprint"].startswith("SHA256:"), k; print("sealing key", k["fingerprint"])'
[ "$(stat -c '%U %a' /var/lib/nuage/signing-key.pem)" = "nuage 600" ]
if [ -n "$manual" ]; then kill "$manual"; wait "$manual" 2>/dev/null || true; manual=; fi
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq nuage >/dev/null
! getent passwd nuage >/dev/null

if [ "${NUAGE_CHECK_IMAGE:-0}" = 1 ] && ! command -v buildah >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah podman >/dev/null
fi
if command -v buildah >/dev/null && command -v podman >/dev/null; then
  t=$(date +%s)
  packaging/build.sh image
  podman load -q -i target/package/nuage-image.tar >/dev/null
  if out=$(podman run --rm --network none -v "$PWD/examples:/data:ro" "localhost/nuage:$version" \
      assess /data/portail-demarches.toml --format json 2>/tmp/nuage-podman.err); then
    how="podman run"
  else
    # Some sandboxes cannot start containers at all (seen here: crun and runc both refused by
    # setrlimit, « OCI permission denied »). The image is then checked without a runtime: its
    # configuration says what it runs, and its own root filesystem runs the assessment under
    # chroot, as the image's user, the dossier copied where the container would see it.
    echo "podman cannot start a container here: $(cat /tmp/nuage-podman.err)"
    entrypoint=$(buildah inspect --type image --format '{{.OCIv1.Config.Entrypoint}}' "localhost/nuage:$version")
    [ "$entrypoint" = "[/usr/bin/nuage]" ] || { echo "the image runs $entrypoint, not /usr/bin/nuage" >&2; exit 1; }
    container=$(buildah from "localhost/nuage:$version")
    root=$(buildah mount "$container")
    mkdir -p "$root/data"
    cp examples/portail-demarches.toml "$root/data/"
    out=$(chroot --userspec=65534:65534 "$root" /usr/bin/nuage assess /data/portail-demarches.toml --format json) || true
    buildah umount "$container" >/dev/null
    buildah rm "$container" >/dev/null
    how="chroot of the image's root filesystem, no container runtime here"
  fi
  [ "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["verdict"])')" = "$expected" ]
  echo "image built and run ($how) in $(( $(date +%s) - t )) s: $(du -h target/package/nuage-image.tar | cut -f1)"
else
  echo "buildah/podman absent: image not built (NUAGE_CHECK_IMAGE=1 installs them)"
fi
echo "packaging checked in $(( $(date +%s) - start )) s"
