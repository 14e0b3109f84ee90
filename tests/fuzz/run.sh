#!/usr/bin/env bash
# Coverage-guided fuzzing of the config loader and the wire serializer (issue 15) with SharpFuzz and
# afl-fuzz, for a bounded time. Not part of tests/run.sh: run it by hand. It
#   1. installs afl++ (apt) and the SharpFuzz.CommandLine tool (2.3.0) into a private tool path;
#   2. publishes tests/fuzz/ConnCheck.Fuzz and instruments the conn-check assemblies (and YamlDotNet);
#   3. runs afl-fuzz --minutes per target, seeded from tests/fuzz/corpus/TARGET;
#   4. minimises what it found (afl-cmin) back into tests/fuzz/corpus/TARGET, and copies crashes to
#      tests/fuzz/crashes/TARGET (each one must become a test and a fix).
# FuzzCorpusTests replays the corpus in the ordinary test run.
# Usage: bash tests/fuzz/run.sh [--minutes N] [--target config|wire|all]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

minutes=5 targets="config wire"
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift ;;
    --target) [ "$2" = all ] || targets=$2; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$minutes" -ge 1 ] && [ "$minutes" -le 600 ] || { echo "--minutes must be 1-600" >&2; exit 2; }

if ! command -v afl-fuzz >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends afl++ >/dev/null
fi
tools=/tmp/conncheck-fuzz-tools
[ -x "$tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null

# Not under /tmp: afl-cmin refuses to work there.
mkdir -p artifacts
work=$(mktemp -d "$root/artifacts/fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
dotnet publish tests/fuzz/ConnCheck.Fuzz/ConnCheck.Fuzz.csproj -c Release -o "$work/bin" -nologo -clp:ErrorsOnly >/dev/null
for dll in conn-check.dll ConnCheck.Protocol.dll ConnCheck.Checks.dll YamlDotNet.dll; do
  "$tools/sharpfuzz" "$work/bin/$dll" >/dev/null
done

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1
for target in $targets; do
  corpus="$root/tests/fuzz/corpus/$target"
  echo "fuzzing $target for $minutes minute(s) from $(ls "$corpus" | wc -l) corpus input(s)"
  afl-fuzz -i "$corpus" -o "$work/out-$target" -t 5000 -m none -V $((minutes * 60)) -- dotnet "$work/bin/ConnCheck.Fuzz.dll" "$target" > "$work/afl-$target.log" 2>&1 || true
  queue="$work/out-$target/default/queue"
  [ -d "$queue" ] || { echo "afl-fuzz did not run; its log:" >&2; tail -30 "$work/afl-$target.log" >&2; exit 1; }
  echo "  $(grep -h 'execs_done\|paths_total\|corpus_count\|saved_crashes\|unique_crashes' "$work/out-$target/default/fuzzer_stats" | tr -s ' ' | tr '\n' ' ')"
  afl-cmin -i "$queue" -o "$work/min-$target" -t 5000 -m none -- dotnet "$work/bin/ConnCheck.Fuzz.dll" "$target" > "$work/cmin-$target.log" 2>&1 \
    || { mkdir -p "$work/min-$target"; cp "$queue"/id:* "$work/min-$target"/; }
  rm -f "$corpus"/*
  i=0
  for f in "$work/min-$target"/*; do
    [ "$(stat -c %s "$f")" -le 4096 ] || continue
    cp "$f" "$corpus/$(printf '%04d' $i)"; i=$((i + 1))
  done
  echo "  corpus: $i input(s) kept in tests/fuzz/corpus/$target"
  crashes=$(ls "$work/out-$target/default/crashes" 2>/dev/null | grep -v README || true)
  if [ -n "$crashes" ]; then
    mkdir -p "tests/fuzz/crashes/$target"
    for c in $crashes; do cp "$work/out-$target/default/crashes/$c" "tests/fuzz/crashes/$target/"; done
    echo "  CRASHES: $(echo "$crashes" | wc -l) in tests/fuzz/crashes/$target"
  fi
done
