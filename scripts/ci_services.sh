#!/usr/bin/env bash
# Best effort, for CI and developers (root, Debian): Chromium for the report's browser test and a PostgreSQL
# server on loopback for the store's tests.  Prints what it could not do; the tests that need it then skip.
# Source it to get STANCE_TEST_POSTGRES_URL:  . scripts/ci_services.sh
_apt_updated=""
_apt() {
  command -v apt-get >/dev/null || return 1
  if [ -z "$_apt_updated" ]; then apt-get update -qq >/dev/null 2>&1 || true; _apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}
_ci_services() {
  if ! command -v chromium >/dev/null 2>&1; then
    _apt chromium || echo "ci_services: chromium could not be installed; the headless browser test will skip"
  fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    _apt postgresql || echo "ci_services: postgresql could not be installed; the PostgreSQL tests will skip"
  fi
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    _ver=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
    if [ -n "$_ver" ]; then
      pg_ctlcluster "$_ver" main start >/dev/null 2>&1 || true
      if su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1; then
        su postgres -c "psql -qc \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='stance') THEN CREATE ROLE stance LOGIN SUPERUSER PASSWORD 'stance'; END IF; END\\\$\\\$\"" >/dev/null
        su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='stance_test'\"" | grep -q 1 \
          || su postgres -c "createdb -O stance stance_test"
        export STANCE_TEST_POSTGRES_URL="postgresql://stance:stance@127.0.0.1:5432/stance_test"
        echo "ci_services: PostgreSQL $_ver on 127.0.0.1:5432 (STANCE_TEST_POSTGRES_URL set)"
      else
        echo "ci_services: PostgreSQL is installed but did not start; the PostgreSQL tests will skip"
      fi
    fi
  fi
}
_ci_services || echo "ci_services: setting up services failed; tests that need them will skip"
