#!/usr/bin/env bash
# The main job, as far as it exists today: install what is missing, build bpmnctl, validate and
# explain the sample diagrams, and replay their scenarios on the interpreter. Later issues turn
# this into running the samples on SQLite and serving them.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
cmake --build build -j2 --target bpmnctl
./build/tools/bpmnctl validate bpmn-samples/*.bpmn
for f in bpmn-samples/*.bpmn; do
  ./build/tools/bpmnctl explain "$f"
done
./build/tools/bpmnctl test bpmn-samples --coverage
