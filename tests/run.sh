#!/usr/bin/env bash
# The one test command (README "Run the tests"): installs what the tests need, builds, starts the
# real servers on loopback, runs every test, and stops the servers again, even when tests fail.
# Usage: bash tests/run.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Config]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash tests/setup/install-deps.sh

dotnet build -c Release ConnCheck.Distributed.sln -nologo -clp:ErrorsOnly

servers=$(mktemp -d /tmp/conncheck-servers.XXXXXX)
export CONNCHECK_SERVERS_DIR="$servers"
trap 'bash "$root/tests/servers/stop.sh" "$servers"' EXIT
bash tests/servers/start.sh "$servers"
set -a
# shellcheck disable=SC1091
source "$servers/env"
set +a

results="$servers/results"
status=0
dotnet test tests/ConnCheck.Tests/ConnCheck.Tests.csproj -c Release --no-build -nologo \
  --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" || status=$?

# One plain closing line CI can read: "N passed, N failed".
python3 - "$results/tests.trx" <<'PY' || true
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
counters = ET.parse(sys.argv[1]).getroot().find("t:ResultSummary/t:Counters", ns)
passed, failed = int(counters.get("passed")), int(counters.get("failed")) + int(counters.get("error", "0")) + int(counters.get("timeout", "0"))
skipped = int(counters.get("total")) - passed - failed
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
