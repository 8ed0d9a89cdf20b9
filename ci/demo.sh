#!/usr/bin/env bash
# The README's demo command: installs, builds, then runs nginx under berth as PID 1 of a new PID
# namespace, asks it over HTTP, and stops it the way `docker stop` would (SIGTERM), which berth
# translates to nginx's graceful QUIT.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install-deps.sh >/dev/null
bash ci/build.sh build >/dev/null

echo "== berth runs nginx as PID 1: berth -v --map TERM:QUIT --grace 10s -- nginx ..."
unshare -p -f --mount-proc build/berth -v --map TERM:QUIT --grace 10s -- \
  nginx -c "$PWD/examples/demo/nginx.conf" &
outer=$!
/usr/bin/python3 - <<'PY'
import time, urllib.request
for _ in range(200):
    try:
        print("== GET http://127.0.0.1:8080/ ->", urllib.request.urlopen("http://127.0.0.1:8080/").read().decode().strip())
        break
    except OSError:
        time.sleep(0.05)
else:
    raise SystemExit("nginx never answered")
PY
berth_pid=$(cat /proc/$outer/task/$outer/children)
echo "== berth is pid $berth_pid here and PID 1 inside; sending it SIGTERM, as docker stop does"
kill -TERM "$berth_pid"
set +e
wait "$outer"
code=$?
set -e
echo "== berth exited with $code (nginx's own status after its graceful QUIT)"
exit "$code"
