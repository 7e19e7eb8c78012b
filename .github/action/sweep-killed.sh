#!/usr/bin/env bash
# After a hard cancel (the runner kills the run step): every run folder under the
# reports folder whose journal never reached its `finished` line is swept, so the
# tokens a killed run created are deleted. Runs that finished cleaned up after
# themselves and are left alone. Same variables as run.sh.
set -uo pipefail
: "${BIN:?BIN is required}"
reports=${INPUT_REPORTS:-pat-conformance-reports}
[[ -x $BIN && -d $reports ]] || exit 0
target=()
[[ -n ${INPUT_ENDPOINT:-} ]] && target+=(--endpoint "$INPUT_ENDPOINT")
[[ -n ${INPUT_PROFILE:-} ]] && target+=(--profile "$INPUT_PROFILE")
code=0
for journal in "$reports"/*/journal.jsonl; do
  [[ -f $journal ]] || continue
  if ! grep -q '^{"finished":' "$journal"; then
    echo "pat-conformance: $(dirname "$journal") did not finish; sweeping it"
    "$BIN" sweep --from "$(dirname "$journal")" "${target[@]}" || code=$?
  fi
done
exit "$code"
