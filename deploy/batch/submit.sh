#!/usr/bin/env bash
# Registers deploy/batch/job-definition.json and submits it as an array job
# of SHARDS children on Fargate, all starting their share of the load at
# the same instant, LEAD seconds from now. Each child reads its shard from
# AWS_BATCH_JOB_ARRAY_INDEX (--shard auto/N) and writes to RESULTS.
#
#   QUEUE=my-fargate-queue RESULTS=s3://bucket/lmibench/run1 SHARDS=4 LEAD=180 \
#     deploy/batch/submit.sh
set -euo pipefail
: "${QUEUE:?a Fargate job queue}"
: "${RESULTS:?where the shards write: s3://bucket/prefix}"
SHARDS=${SHARDS:-4}
LEAD=${LEAD:-180}
dir=$(dirname "$0")
def=$(aws batch register-job-definition --cli-input-json "file://$dir/job-definition.json" --query jobDefinitionArn --output text)
start_at=$(date -u -d "+${LEAD} seconds" +%Y-%m-%dT%H:%M:%SZ)
aws batch submit-job --job-name "lmibench-$(date -u +%Y%m%dT%H%M%SZ)" --job-queue "$QUEUE" --job-definition "$def" \
  --array-properties "size=${SHARDS}" --parameters "startAt=${start_at},shard=auto/${SHARDS},results=${RESULTS}"
echo "lmibench: ${SHARDS} shards start at ${start_at}; results in ${RESULTS}" >&2
