#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: system packages (as root on Debian), a virtualenv in .venv,
# and the project with its dev extras. Called by scripts/run.sh and scripts/test.sh. Says each step
# as it starts; a long one shows its elapsed seconds and the last thing it did. PYTHON picks the
# interpreter (default python3; 3.11 or newer).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

say() { echo "setup: $*" >&2; }

# run_step LABEL CMD...: say LABEL, run CMD with its output in a log, and while it runs show the seconds
# so far and the step it is at (pip's or apt's last "Collecting …" / "Installing …" line; in place on
# a terminal, a line every 15 s otherwise). On failure, print the end of the log and stop.
run_step() {
  local label=$1 log pid start=$SECONDS last=0 t line
  shift
  log=$(mktemp -t budgetqa-setup.XXXXXX)
  say "$label …"
  "$@" >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    t=$((SECONDS - start))
    line=$(grep -E '^ *(Collecting|Downloading|Processing|Building|Installing|Successfully installed|Get:|Unpacking|Setting up)' "$log" \
      2>/dev/null | tail -n 1 | sed -E 's/^ *//; s/^(Installing collected packages):.*/\1 …/' | cut -c1-70 || true)
    if [ -t 2 ]; then
      printf '\r\033[K  %4d s  %s' "$t" "$line" >&2
    elif [ $((t - last)) -ge 15 ]; then
      echo "  … $t s  $line" >&2
      last=$t
    fi
  done
  [ -t 2 ] && printf '\r\033[K' >&2
  if ! wait "$pid"; then
    say "failed: $label (after $((SECONDS - start)) s); the end of its output ($log):"
    tail -n 30 "$log" >&2
    exit 1
  fi
  say "  done in $((SECONDS - start)) s"
  rm -f "$log"
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@"
}

need_apt=()
command -v "$PYTHON" >/dev/null || need_apt+=(python3 python3-venv python3-pip)
"$PYTHON" -c "import venv, ensurepip" 2>/dev/null || need_apt+=(python3-venv)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need_apt+=(fonts-noto-cjk)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    run_step "安装系统软件包 / installing system packages: ${need_apt[*]} (a few minutes)" \
      apt_install "${need_apt[@]}"
  else
    say "please install: ${need_apt[*]} (browser tests are skipped without chromium)"
  fi
fi

if ! version=$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3]); sys.exit(sys.version_info < (3, 11))' 2>/dev/null); then
  say "error: Python 3.11 or newer is needed; $PYTHON is ${version:-missing} ($(command -v "$PYTHON" || echo "not found")). Install python3.11+ or set PYTHON=/path/to/python3.11"
  exit 1
fi
say "Python $version ($(command -v "$PYTHON")): OK, 3.11 or newer is needed"

if [ ! -x .venv/bin/python ]; then
  run_step "创建虚拟环境 / creating the virtualenv .venv" "$PYTHON" -m venv .venv
fi
stamp=.venv/.budgetqa-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  run_step "安装依赖 / installing dependencies into .venv (first time: about 2–3 minutes)" \
    sh -c '.venv/bin/python -m pip install --upgrade pip && .venv/bin/python -m pip install -e ".[dev]"'
  touch "$stamp"
else
  say "依赖已安装 / dependencies already installed in .venv"
fi
