#!/usr/bin/env bash
# Mutation testing (Stryker.NET) of the logic that decides what a user is told: redaction,
# reachability, thresholds, check selection and config validation. Not part of the default test run.
#
#   bash tests/mutation/run.sh [--minutes N] [--concurrency N] [--filter EXPR] [--only PROJECT]
#
# Mutants are run against the in-process tests (ConnCheck.Tests.Units and the in-process parts of the
# config and secrets tests): Stryker activates a mutant inside the test host, so tests that run the
# conn-check binary in a child process cannot see it. Each project gets at most --minutes (default 25);
# the score per project and the surviving mutants are printed at the end, the HTML and JSON reports
# are under artifacts/mutation/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
minutes=25
only=
concurrency=$(( $(nproc) > 1 ? $(nproc) - 1 : 1 ))
filter="FullyQualifiedName~ConnCheck.Tests.Units|FullyQualifiedName~ConfigCorpusTests.Valid_config_parses"
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --filter) filter=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

dotnet tool restore >/dev/null
out=artifacts/mutation
mkdir -p "$out"

# project and the files of it to mutate
declare -A mutate=(
  [ConnCheck.Checks.csproj]="**/Engine/Redaction.cs **/Engine/OwnWords.cs **/Engine/Reachability.cs **/Engine/Thresholds.cs **/Engine/FieldSpec.cs **/Engine/CheckFields.cs"
  [ConnCheck.Coordinator.csproj]="**/Config/*.cs **/Running/CheckSelection.cs"
)

status=0
for project in ConnCheck.Checks.csproj ConnCheck.Coordinator.csproj; do
  [ -z "$only" ] || [ "$only" = "${project%.csproj}" ] || continue
  args=()
  for glob in ${mutate[$project]}; do args+=(--mutate "$glob"); done
  name=${project%.csproj}
  echo "== $name (at most ${minutes} min)"
  # From inside the test project: from the root Stryker would take the solution and refuse a test project.
  (cd tests/ConnCheck.Tests && timeout --signal=INT "${minutes}m" dotnet stryker --project "$project" \
    "${args[@]}" --test-case-filter "$filter" --concurrency "$concurrency" \
    --configuration Release --break-at 0 --reporter json --reporter html --reporter progress \
    --output "$root/$out/$name") > "$out/$name.log" 2>&1 || { echo "   stryker ended with $? (log: $out/$name.log)"; status=1; }
  report=$(find "$out/$name" -name mutation-report.json | head -1)
  [ -n "$report" ] && python3 tests/mutation/summary.py "$report"
done
exit $status
