#!/usr/bin/env bash
# The main job: install what is missing, build bpmnctl, validate the sample diagrams, run them on
# an embedded SQLite file (add the working calendars, deploy, start a deal, work its first task,
# show where it waits, run the timer loop for two seconds, list overdue work and the outbox, report
# where the time went with a heatmap of the diagram, replay the recorded instances), and
# replay the samples' scenarios on SQLite, closing and reopening the database after every step.
# The database is ./samples.db (or $BPMN_DB), made afresh.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
cmake --build build -j2 --target bpmnctl
bpmnctl=./build/tools/bpmnctl
$bpmnctl validate bpmn-samples/*.bpmn
db=${BPMN_DB:-./samples.db}
rm -f "$db" "$db-wal" "$db-shm"
export BPMN_DB="$db"
$bpmnctl calendars add bpmn-samples/calendars/ru-5x8.yaml --default
$bpmnctl calendars add bpmn-samples/calendars/24x7.yaml
$bpmnctl deploy bpmn-samples/*.bpmn
$bpmnctl users add anna secretary
$bpmnctl users add oleg manager
deal=$($bpmnctl start deal_by_stages --business-key DEAL-1 --vars '{"amount": 50000}' | cut -d' ' -f1)
$bpmnctl tasks --instance "$deal"
task=$($bpmnctl tasks --instance "$deal" | head -n 1 | cut -d' ' -f1)
$bpmnctl complete "$task" --by anna --vars '{"client": "ACME", "phone": "+7 900 000-00-00"}'
$bpmnctl show "$deal"
$bpmnctl run --for 2
$bpmnctl instances
$bpmnctl tasks --overdue
$bpmnctl outbox
# The manager's view of it: where the time goes, and the diagram coloured by it.
$bpmnctl report deal_by_stages --svg "${db%.db}-deal_by_stages.svg"
# The analyst's safety net: every recorded instance re-run on its diagram takes the same path.
$bpmnctl replay
$bpmnctl test bpmn-samples --store reopen --coverage
