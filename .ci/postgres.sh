#!/usr/bin/env bash
# Start the machine's PostgreSQL 15 (root), create role and database koridor/koridor_test,
# print the URL. Used by .ci/run and `make bench`.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
fi
pg_lsclusters 2>/dev/null | grep -q '^15 \+main' || pg_createcluster 15 main >&2
pg_ctlcluster 15 main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
su postgres -c "psql -q -v ON_ERROR_STOP=1" >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'koridor') THEN
    CREATE ROLE koridor LOGIN PASSWORD 'koridor';
  END IF;
END $$;
-- the test suite runs under pytest-xdist: each worker creates its own koridor_test_gwN
ALTER ROLE koridor CREATEDB;
SELECT 'CREATE DATABASE koridor_test OWNER koridor' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'koridor_test')\gexec
SELECT 'CREATE DATABASE koridor_bench OWNER koridor' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'koridor_bench')\gexec
SQL
echo "postgresql+psycopg://koridor:koridor@127.0.0.1:5432/${1:-koridor_test}"
