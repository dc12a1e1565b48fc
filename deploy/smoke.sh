#!/usr/bin/env bash
# HTTP smoke test of a running OSPO Assess with the demo data (`manage.py setup_demo`):
# log in, open the dashboard, save one answer, create a strategy and download its PDF (which the
# server may render in the background: 202 and a progress page first, the PDF once it is done).
#
#   BASE=http://127.0.0.1:8123 deploy/smoke.sh
#
# BASE (default http://127.0.0.1:8123), SMOKE_USER / SMOKE_PASSWORD (default demo / demo-ospo),
# SMOKE_ORG (default demo), SMOKE_PDF_WAIT seconds (default 60). A server in production mode
# over plain HTTP needs HTTPS=false (else it redirects to https and marks cookies Secure).
# Prints each step; exits non-zero at the first failure.
set -euo pipefail

BASE="${BASE:-http://127.0.0.1:8123}"
BASE="${BASE%/}"
SMOKE_USER="${SMOKE_USER:-demo}"
SMOKE_PASSWORD="${SMOKE_PASSWORD:-demo-ospo}"
ORG="${SMOKE_ORG:-demo}"
PDF_WAIT="${SMOKE_PDF_WAIT:-60}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
jar="$work/cookies.txt"
body="$work/body"
headers="$work/headers"

step() { printf '==> %s\n' "$*"; }
ok() { printf '    ok: %s\n' "$*"; }
fail() {
  printf 'SMOKE FAILED: %s\n' "$*" >&2
  if [ -s "$body" ] && grep -qI . "$body" 2>/dev/null; then
    printf -- '--- last response body (first 40 lines) ---\n' >&2
    head -n 40 "$body" >&2
  fi
  exit 1
}

# request METHOD PATH [curl args...]: fills $body and $headers, sets $status and $ctype.
request() {
  local method="$1" path="$2"
  shift 2
  local out
  # No -X: curl posts when given data, and turns the POST into a GET when following a redirect.
  if ! out="$(curl -sS --max-time 30 -b "$jar" -c "$jar" \
    -D "$headers" -o "$body" -e "$BASE$path" \
    -w '%{http_code} %{content_type}' "$@" "$BASE$path")"; then
    fail "$method $path: no answer from $BASE"
  fi
  status="${out%% *}"
  ctype="${out#* }"
}

csrf() {
  # The Netscape cookie jar; HttpOnly cookies are written as "#HttpOnly_<domain> ...".
  awk '$6 == "csrftoken" { token = $7 } END { print token }' "$jar"
}

location() {
  tr -d '\r' <"$headers" | awk 'tolower($1) == "location:" { print $2 }' | tail -n 1
}

step "GET /accounts/login/"
request GET /accounts/login/
case "$status" in
  200) ;;
  301 | 302 | 307 | 308)
    fail "GET /accounts/login/ redirected ($status) to $(location): a production server over" \
      "plain HTTP needs HTTPS=false, or point BASE at its https:// address" ;;
  *) fail "GET /accounts/login/ answered $status" ;;
esac
token="$(csrf)"
[ -n "$token" ] || fail "no csrftoken cookie after GET /accounts/login/"
ok "200, csrftoken received"

step "POST /accounts/login/ as $SMOKE_USER"
request POST /accounts/login/ \
  --data-urlencode "csrfmiddlewaretoken=$token" \
  --data-urlencode "username=$SMOKE_USER" \
  --data-urlencode "password=$SMOKE_PASSWORD"
[ "$status" = 302 ] || fail "login answered $status, not a redirect (wrong credentials? run setup_demo)"
grep -q 'sessionid' "$jar" || fail "login set no session cookie"
token="$(csrf)"  # Django rotates the CSRF token on login
ok "302 to $(location), logged in"

step "GET /orgs/$ORG/ (dashboard)"
request GET "/orgs/$ORG/"
[ "$status" = 200 ] || fail "dashboard answered $status"
assessment="$(grep -o "/orgs/$ORG/assessments/[0-9][0-9]*/results/" "$body" | head -n 1 |
  sed -E 's#.*/assessments/([0-9]+)/results/#\1#')" || true
[ -n "$assessment" ] || fail "no link to an assessment's results on the dashboard"
ok "200, demo assessment $assessment"

# setup_demo leaves the demo's assessment submitted; reopen it as its owner would (a second run
# on an assessment already open changes nothing and answers the same redirect).
reopen="/orgs/$ORG/assessments/$assessment/reopen/"
step "POST $reopen"
request POST "$reopen" --data-urlencode "csrfmiddlewaretoken=$token"
[ "$status" = 302 ] || fail "reopening the assessment answered $status"
ok "302, open for answers"

section="/orgs/$ORG/assessments/$assessment/sections/strategy/"
step "GET $section"
request GET "$section"
[ "$status" = 200 ] || fail "section page answered $status"
# <input ... name="q-<question pk>-choice" id="..." value="<option pk>"> for a real option.
pair="$(grep -o 'name="q-[0-9][0-9]*-choice"[^>]*value="[0-9][0-9]*"' "$body" | head -n 1)" || true
question="$(printf '%s' "$pair" | sed -E 's/^name="q-([0-9]+)-choice".*/\1/')"
option="$(printf '%s' "$pair" | sed -E 's/.*value="([0-9]+)"$/\1/')"
{ [ -n "$question" ] && [ -n "$option" ]; } || fail "no answer option found on the section page"
ok "200, question $question, option $option"

answer="/orgs/$ORG/assessments/$assessment/questions/$question/answer/"
step "POST $answer"
request POST "$answer" -H 'HX-Request: true' \
  --data-urlencode "csrfmiddlewaretoken=$token" \
  --data-urlencode "q-$question-choice=$option"
[ "$status" = 200 ] || fail "saving the answer answered $status"
grep -q 'Saved' "$body" || fail "the answer's response does not say it was saved"
ok "200, saved"

step "POST /orgs/$ORG/strategies/new/ (title Smoke)"
request POST "/orgs/$ORG/strategies/new/" -L \
  --data-urlencode "csrfmiddlewaretoken=$token" \
  --data-urlencode "assessment=$assessment" \
  --data-urlencode "title=Smoke"
[ "$status" = 200 ] || fail "creating the strategy ended with $status"
strategy="$(tr -d '\r' <"$headers" | awk 'tolower($1) == "location:" { print $2 }' |
  grep -o "/strategies/[0-9][0-9]*/" | head -n 1 | tr -dc '0-9')" || true
[ -n "$strategy" ] || fail "creating the strategy did not redirect to it"
ok "strategy $strategy"

pdf="/orgs/$ORG/strategies/$strategy/export.pdf"
step "GET $pdf (waiting up to ${PDF_WAIT}s)"
deadline=$((SECONDS + PDF_WAIT))
while :; do
  request GET "$pdf"
  if [ "$status" = 200 ] && [[ "$ctype" == application/pdf* ]]; then
    break
  elif [ "$status" = 202 ]; then
    printf '    202: rendering in the background, asking again\n'
  else
    fail "the PDF answered $status ($ctype)"
  fi
  [ "$SECONDS" -lt "$deadline" ] || fail "no PDF after ${PDF_WAIT}s (is the worker running?)"
  sleep 2
done
[ "$(head -c 4 "$body")" = "%PDF" ] || fail "the PDF does not start with %PDF"
ok "200 application/pdf, $(wc -c <"$body" | tr -d ' ') bytes"

printf 'SMOKE PASSED against %s\n' "$BASE"
