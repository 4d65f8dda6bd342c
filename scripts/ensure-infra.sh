#!/usr/bin/env bash
# Start what the portal needs on this machine when it is not running yet.
#   RabbitMQ (always), with the management plugin (nameko's test fixtures use it);
#   Pango and a font for WeasyPrint's PDFs;
#   with --for-tests also PostgreSQL and Debian's Chromium for the browser tests;
#   with --for-bench also PostgreSQL and wrk, the HTTP load generator (else the bench
#   uses its Python one).
set -euo pipefail
for_tests=0
for_bench=0
[ "${1:-}" = "--for-tests" ] && for_tests=1
[ "${1:-}" = "--for-bench" ] && for_bench=1

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 1; done
  echo "ensure-infra: nothing answers on port $1" >&2; return 1
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

if ! port_open 5672; then
  if command -v rabbitmq-server >/dev/null; then
    echo "ensure-infra: starting RabbitMQ"
    as_root rabbitmq-server -detached
  else
    echo "ensure-infra: RabbitMQ is not running and not installed (set AMQP_URI to reach one)" >&2
  fi
fi
wait_port 5672
if command -v rabbitmq-plugins >/dev/null && ! port_open 15672; then
  as_root rabbitmq-plugins enable rabbitmq_management >/dev/null
  wait_port 15672
fi

# WeasyPrint (the PDFs of invoices, receipts and statements) draws text with Pango.
if ! ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; then
  echo "ensure-infra: installing Pango and fonts for the PDFs"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
    fonts-dejavu-core >/dev/null
fi

if [ "$for_tests" = 1 ] || [ "$for_bench" = 1 ]; then
  if ! port_open 5432 && command -v pg_ctlcluster >/dev/null; then
    echo "ensure-infra: starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  fi
  wait_port 5432
fi

if [ "$for_tests" = 1 ]; then
  if [ ! -x /usr/bin/chromium ]; then
    echo "ensure-infra: installing Debian's chromium for the browser tests"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  fi
fi

if [ "$for_bench" = 1 ] && ! command -v wrk >/dev/null; then
  echo "ensure-infra: installing wrk for the benchmark"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq wrk >/dev/null || \
    echo "ensure-infra: wrk not installed; the benchmark uses its Python load generator" >&2
fi
