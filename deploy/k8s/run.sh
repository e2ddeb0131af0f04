#!/usr/bin/env bash
# Starts lmibench on Kubernetes as an Indexed Job of SHARDS pods that all
# begin their share of the load at the same instant, LEAD seconds from now
# (enough for the image to be pulled and the pods to start).
#
#   IMAGE=registry.example.com/lmibench:1 RESULTS=s3://bucket/lmibench/run1 \
#     SHARDS=4 LEAD=90 deploy/k8s/run.sh
#
# Then: lmibench report s3://bucket/lmibench/run1/*.csv  (or download and report)
set -euo pipefail
: "${IMAGE:?the lmibench image (see Dockerfile)}"
: "${RESULTS:?where the shards write: s3://bucket/prefix}"
SHARDS=${SHARDS:-4}
LEAD=${LEAD:-90}
start_at=$(date -u -d "+${LEAD} seconds" +%Y-%m-%dT%H:%M:%SZ)
dir=$(dirname "$0")
sed -e "s|IMAGE|${IMAGE}|" -e "s|START_AT|${start_at}|" -e "s|RESULTS|${RESULTS}|" \
    -e "s|SHARDS|${SHARDS}|g" "$dir/job.yaml" | kubectl apply -f -
echo "lmibench: ${SHARDS} shards start at ${start_at}; kubectl get pods -l app.kubernetes.io/name=lmibench" >&2
