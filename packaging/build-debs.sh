#!/usr/bin/env bash
# Builds the Debian packages conn-check (coordinator) and conn-check-agent: self-contained linux-x64
# ReadyToRun publishes (no .NET needed on the host) wrapped with dpkg-deb. Network: NuGet only.
# Usage: bash packaging/build-debs.sh [--revision N] [--reuse-publish] [--fast]
#   --revision N      Debian revision (default 1): the package version is <Version>-N, with
#                     <Version> from Directory.Build.props, the same the binaries' --version says
#   --reuse-publish   package the previous publish output again (e.g. a newer revision for tests)
#   --fast            gzip -1 instead of xz (larger .deb, seconds instead of minutes; for tests)
# Output: packaging/out/conn-check_<version>_amd64.deb, packaging/out/conn-check-agent_<version>_amd64.deb
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out="$here/out"
revision=1
reuse=false
compress=(-Zxz)
while [ $# -gt 0 ]; do
  case "$1" in
    --revision) revision=$2; shift 2 ;;
    --reuse-publish) reuse=true; shift ;;
    --fast) compress=(-Zgzip -z1); shift ;;
    *) echo "build-debs.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

upstream=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props")
[ -n "$upstream" ] || { echo "build-debs.sh: no <Version> in Directory.Build.props" >&2; exit 1; }
version="$upstream-$revision"
# Set DEBFULLNAME and DEBEMAIL to whoever publishes the packages.
maintainer="${DEBFULLNAME:-conn-check developers} <${DEBEMAIL:-conn-check@example.org}>"
# The runtime's own native parts need these; zlib is linked into the runtime (zlib-ng), ICU is
# not needed (InvariantGlobalization), OpenSSL is for TLS checks and mutual TLS.
depends="libc6 (>= 2.27), libgcc-s1, libstdc++6, libssl3 | libssl1.1"

# The publish builds a private copy of the sources: a RID-specific restore and build in the working
# tree would rewrite its obj/ and bin/ under whatever else uses them (the test suite's own build).
sources="$out/sources"
copied=false
copy_sources() {
  rm -rf "$sources"
  mkdir -p "$sources"
  (cd "$root" && tar --exclude=bin --exclude=obj -cf - src hocon Directory.Build.props Directory.Packages.props \
    $(ls global.json nuget.config 2>/dev/null)) | tar -xf - -C "$sources"
}

publish() { # PROJECT DIR (the executable is named like DIR: conn-check, conn-check-agent)
  if $reuse && [ -x "$2/$(basename "$2")" ]; then return; fi
  rm -rf "$2"
  $copied || { copy_sources; copied=true; }
  dotnet publish "$sources/src/$1" -c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=true \
    -p:DebugType=none -p:GenerateDocumentationFile=false -nologo -clp:ErrorsOnly -o "$2" >&2
}

# stage PACKAGE PUBLISHDIR EXE DESCRIPTION: the tree every package shares (program, /usr/bin link, docs).
stage() {
  local package=$1 published=$2 exe=$3 tree="$out/tree/$1"
  rm -rf "$tree"
  mkdir -p "$tree/DEBIAN" "$tree/usr/lib/$package" "$tree/usr/bin" "$tree/usr/share/doc/$package"
  cp -a "$published/." "$tree/usr/lib/$package/"
  find "$tree/usr/lib/$package" -type d -exec chmod 0755 {} +
  find "$tree/usr/lib/$package" -type f -exec chmod 0644 {} +
  chmod 0755 "$tree/usr/lib/$package/$exe" "$tree/usr/lib/$package/createdump"
  # NuGet's native libraries (e.g. SQLite's libe_sqlite3.so) come with their symbols; Debian ships stripped ones.
  find "$tree/usr/lib/$package" -name '*.so' -type f -exec strip --strip-unneeded --remove-section=.comment --remove-section=.note {} +
  ln -s "../lib/$package/$exe" "$tree/usr/bin/$exe"
  install -m 0644 "$here/debian/copyright" "$tree/usr/share/doc/$package/copyright"
  install -m 0644 "$root/README.md" "$tree/usr/share/doc/$package/README.md"
  install -D -m 0644 "$here/debian/lintian-overrides" "$tree/usr/share/lintian/overrides/$package"
  sed -i "s/^PACKAGE:/$package:/" "$tree/usr/share/lintian/overrides/$package"
  changelog "$package" | gzip -9n > "$tree/usr/share/doc/$package/changelog.Debian.gz"
  chmod 0644 "$tree/usr/share/doc/$package/changelog.Debian.gz"
}

changelog() {
  cat <<LOG
$1 ($version) unstable; urgency=medium

  * conn-check distributed $upstream, built by packaging/build-debs.sh
    (self-contained linux-x64 ReadyToRun publish).

 -- $maintainer  $(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct)}")
LOG
}

# control PACKAGE DESCRIPTION LONG [EXTRA-FIELDS]
control() {
  local tree="$out/tree/$1"
  {
    echo "Package: $1"
    echo "Version: $version"
    echo "Architecture: amd64"
    echo "Maintainer: $maintainer"
    echo "Installed-Size: $(du -sk --exclude=DEBIAN "$tree" | cut -f1)"
    echo "Depends: $depends${4:+, $4}"
    echo "Recommends: ca-certificates"
    echo "Section: net"
    echo "Priority: optional"
    echo "Homepage: https://launchpad.net/conn-check"
    echo "Description: $2"
    echo "$3" | fold -s -w 78 | sed 's/ *$//; s/^/ /'
  } > "$tree/DEBIAN/control"
  (cd "$tree" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
  : > "$tree/DEBIAN/conffiles"
  (cd "$tree" && find etc -type f 2>/dev/null | sort | sed 's:^:/:' > DEBIAN/conffiles) || true
  [ -s "$tree/DEBIAN/conffiles" ] || rm -f "$tree/DEBIAN/conffiles"
  chmod 0644 "$tree/DEBIAN/"{control,md5sums} "$tree"/DEBIAN/conffiles 2>/dev/null || true
  dpkg-deb --root-owner-group "${compress[@]}" --build "$tree" "$out/${1}_${version}_amd64.deb" >&2
}

mkdir -p "$out"
publish Coordinator "$out/publish/conn-check"
publish Agent "$out/publish/conn-check-agent"

stage conn-check "$out/publish/conn-check" conn-check
install -D -m 0644 "$here/debian/conn-check.nrpe.cfg" "$out/tree/conn-check/etc/nagios/nrpe.d/conn-check.cfg"
control conn-check "verify network dependencies from the hosts that have them (coordinator)" \
  "conn-check runs a YAML list of checks (tcp, udp, tls, http, postgres, mysql, redis, memcache, amqp, mongodb, smtp) and reports in Nagios plugin format. This coordinator sends each network zone's checks to the conn-check agents of that zone and aggregates one report; checks without a zone run locally. Includes a commented NRPE command (/etc/nagios/nrpe.d/conn-check.cfg)."

stage conn-check-agent "$out/publish/conn-check-agent" conn-check-agent
agent="$out/tree/conn-check-agent"
install -D -m 0644 "$here/debian/conn-check-agent.service" "$agent/usr/lib/systemd/system/conn-check-agent.service"
install -D -m 0644 "$here/debian/conn-check-agent.default" "$agent/etc/default/conn-check-agent"
install -D -m 0644 "$here/debian/agent.hocon" "$agent/etc/conn-check/agent.hocon"
install -m 0755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$agent/DEBIAN/"
control conn-check-agent "conn-check agent: runs a zone's network checks for the coordinator" \
  "The agent runs on an application host, in a network zone, joins the other agents in an Akka.NET cluster and runs the checks the conn-check coordinator sends for its zone, from this host's vantage point. Configure the zone and seeds in /etc/default/conn-check-agent; the service does not start until a zone is set." \
  "adduser"

ls -l "$out"/*_"$version"_amd64.deb
