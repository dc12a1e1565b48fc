#!/usr/bin/env bash
# The web container: bring the database schema up to date, make sure the shipped questionnaire is
# there, then serve with gunicorn (deploy/gunicorn.conf.py). Safe on every start and on several
# replicas starting at once: deploy/locked.py makes them take turns (a PostgreSQL advisory lock),
# so the first migrates and loads, and the others find nothing left to do.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "web: applying database migrations"
python deploy/locked.py -- python manage.py migrate --no-input

echo "web: loading the shipped questionnaire if it is missing"
python deploy/locked.py -- python manage.py load_questionnaire --default --if-missing

echo "web: starting gunicorn"
exec gunicorn --config deploy/gunicorn.conf.py ospo_assess.wsgi:application
