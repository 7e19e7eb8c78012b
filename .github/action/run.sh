#!/usr/bin/env bash
# Runs the suite as action.yml's inputs say (INPUT_* variables), then writes the
# step's outputs. The binary appends report.md to $GITHUB_STEP_SUMMARY and prints a
# workflow annotation per failing case by itself (GITHUB_ACTIONS=true).
#
#   BIN              the pat-conformance binary
#   INPUT_ENDPOINT   --endpoint (empty: the profile's endpoints, AWS_ENDPOINT_URL*, or
#                    with neither the embedded emulator)
#   INPUT_PROFILE    --profile
#   INPUT_SERVICES   services, separated by commas or spaces (--service each)
#   INPUT_LEVEL      must | should (--level)
#   INPUT_BASELINE   --baseline (a missing file is an error, as on the command line)
#   INPUT_SHARD      K/N (--shard)
#   INPUT_REPORTS    the reports folder
#   INPUT_DISCOVER   true (default) | false: --discover
#   INPUT_FAIL_ON_SKIP  true | false (default): --fail-on-skip
#   INPUT_ARGS       more arguments, split on whitespace
# Exits with the run's exit code (0 conform, 1 contract failure, 2 configuration,
# 3 harness error, 4 skipped under fail-on-skip, 130 interrupted); after 3 or 130 the run's leftovers are swept.
set -uo pipefail
: "${BIN:?BIN is required}"
reports=${INPUT_REPORTS:-pat-conformance-reports}

target=()
[[ -n ${INPUT_ENDPOINT:-} ]] && target+=(--endpoint "$INPUT_ENDPOINT")
[[ -n ${INPUT_PROFILE:-} ]] && target+=(--profile "$INPUT_PROFILE")
args=(run --reports "$reports")
services=${INPUT_SERVICES:-}
for s in ${services//,/ }; do args+=(--service "$s"); done
[[ -n ${INPUT_LEVEL:-} ]] && args+=(--level "$INPUT_LEVEL")
[[ -n ${INPUT_BASELINE:-} ]] && args+=(--baseline "$INPUT_BASELINE")
[[ -n ${INPUT_SHARD:-} ]] && args+=(--shard "$INPUT_SHARD")
[[ ${INPUT_DISCOVER:-true} == true ]] && args+=(--discover)
[[ ${INPUT_FAIL_ON_SKIP:-false} == true ]] && args+=(--fail-on-skip)
read -ra extra <<< "${INPUT_ARGS:-}"

mkdir -p "$reports"
marker=$(mktemp)
trap 'rm -f "$marker"' EXIT
"$BIN" "${args[@]}" "${target[@]}" "${extra[@]}"
code=$?
# The run's folder: the one it created (reports/<run-id>/).
dir=$(find "$reports" -mindepth 1 -maxdepth 1 -type d -newer "$marker" | head -n 1)
if [[ -n $dir && ($code == 3 || $code == 130) ]]; then
  echo "pat-conformance: the run ended with exit $code; deleting what it may have left on the target"
  "$BIN" sweep --from "$dir" "${target[@]}" || true
fi
if [[ -n ${GITHUB_OUTPUT:-} ]]; then
  {
    echo "exit-code=$code"
    echo "report-dir=$dir"
  } >> "$GITHUB_OUTPUT"
fi
exit "$code"
