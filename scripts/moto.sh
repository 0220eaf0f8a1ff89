#!/usr/bin/env bash
# Runs a command (default: `cargo test`) with a local AWS API emulator, as CI does.
#
# Creates .venv/ with moto (server), the AWS CLI and cfn-lint (pinned versions), starts
# moto_server on 127.0.0.1 on a free port, exports IAMX_MOTO_ENDPOINT, IAMX_AWS_CLI and
# IAMX_CFN_LINT for tests/deploy.rs, runs the command and stops the server on exit. Every run
# starts a fresh server, so the deploy tests never meet resources of an earlier run.
#
#   scripts/moto.sh                       # cargo test, with the deploy tests against moto
#   scripts/moto.sh cargo test --test deploy
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
# moto[server] pulls cfn-lint for its CloudFormation; 1.41.0 is the version that resolves with it.
REQUIREMENTS=('moto[server]==5.1.22' 'awscli==1.46.3' 'cfn-lint==1.41.0')

if [ ! -x "$VENV/bin/moto_server" ] || [ ! -x "$VENV/bin/aws" ] || [ ! -x "$VENV/bin/cfn-lint" ]; then
  echo "moto.sh: installing ${REQUIREMENTS[*]} into $VENV/" >&2
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${REQUIREMENTS[@]}"
fi

PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LOG=$(mktemp -t moto-server.XXXXXX.log)
# AWS managed policies (arn:aws:iam::aws:policy/...) exist only when loaded; the examples attach them.
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 &
MOTO_PID=$!
stop() {
  kill "$MOTO_PID" 2>/dev/null || true
  wait "$MOTO_PID" 2>/dev/null || true
  rm -f "$LOG"
}
trap stop EXIT

for _ in $(seq 1 100); do
  if "$VENV/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/moto-api/', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$MOTO_PID" 2>/dev/null; then
    echo "moto.sh: moto_server exited:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  sleep 0.2
done

# The AWS managed policies for the import round trip and the check tests: a pinned set (moto
# 5.2.5's 1,582, newer than the server's), see scripts/aws-managed-policies.sh.
export IAMX_MANAGED_POLICIES="${IAMX_MANAGED_POLICIES:-$PWD/target/aws-managed-policies.json}"
scripts/aws-managed-policies.sh "$IAMX_MANAGED_POLICIES"

export IAMX_MOTO_ENDPOINT="http://127.0.0.1:$PORT"
export IAMX_AWS_CLI="$PWD/$VENV/bin/aws"
export IAMX_CFN_LINT="$PWD/$VENV/bin/cfn-lint"
echo "moto.sh: moto_server at $IAMX_MOTO_ENDPOINT" >&2

if [ "$#" -eq 0 ]; then
  set -- cargo test
fi
"$@"
