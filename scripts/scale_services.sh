#!/usr/bin/env bash
# Start the scale-out engines on loopback for tests: a PostgreSQL server (Debian's package, installed
# when missing, as root) and a Chroma server (from the chromadb package in .venv). Prints the
# environment that points budgetqa at them; `eval "$(bash scripts/scale_services.sh)"` uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
PGPORT=${BUDGETQA_TEST_PGPORT:-5432}
CHROMA_PORT=${BUDGETQA_TEST_CHROMA_PORT:-8765}
CHROMA_DIR=${BUDGETQA_TEST_CHROMA_DIR:-/tmp/budgetqa-chroma-server}

if ! command -v pg_lsclusters >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
fi
cluster=$(pg_lsclusters -h | head -n 1)
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  pg_createcluster "$version" main >&2
  cluster=$(pg_lsclusters -h | head -n 1)
fi
read -r version name port status _ <<<"$cluster"
PGPORT=$port
[ "$status" = online ] || pg_ctlcluster "$version" "$name" start >&2
su postgres -c "psql -p $PGPORT -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='budgetqa'\"" | grep -q 1 ||
  su postgres -c "psql -p $PGPORT -qc \"CREATE ROLE budgetqa LOGIN PASSWORD 'budgetqa' SUPERUSER\"" >&2
su postgres -c "psql -p $PGPORT -qtAc \"SELECT 1 FROM pg_database WHERE datname='budgetqa'\"" | grep -q 1 ||
  su postgres -c "createdb -p $PGPORT -O budgetqa budgetqa" >&2

if ! curl -sf "http://127.0.0.1:$CHROMA_PORT/api/v2/heartbeat" >/dev/null 2>&1; then
  nohup .venv/bin/chroma run --path "$CHROMA_DIR" --host 127.0.0.1 --port "$CHROMA_PORT" \
    >/tmp/budgetqa-chroma-server.log 2>&1 &
  for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$CHROMA_PORT/api/v2/heartbeat" >/dev/null 2>&1 && break
    sleep 1
  done
fi
curl -sf "http://127.0.0.1:$CHROMA_PORT/api/v2/heartbeat" >/dev/null || { echo "chroma server did not start" >&2; exit 1; }

echo "export BUDGETQA_DATABASE_URL=postgresql://budgetqa:budgetqa@127.0.0.1:$PGPORT/budgetqa"
echo "export BUDGETQA_CHROMA_HOST=127.0.0.1 BUDGETQA_CHROMA_PORT=$CHROMA_PORT"
