"""Issued PDFs: a read from the database against a read from object storage with its
SHA-256 checked, as docs/deploy.md reports them.

Run against a database holding issued versions (the demo: `load_demo_reports`), with an
S3-compatible server to compare with (moto's here; a real bucket is further away):

    DATABASE_URL=postgres://... DJANGO_DEBUG=1 TRACKER_DEMO=1 \
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
    MEASURE_S3_ENDPOINT=http://127.0.0.1:5000 \
    .venv/bin/python manage.py shell -c "exec(open('deploy/measure_pdf_reads.py').read())"

Prints the median and 95th percentile of each, over READS reads of every version.
"""

import hashlib
import os
import statistics
import time

import boto3

from reports.models import ReportVersion

READS = 200
endpoint = os.environ.get("MEASURE_S3_ENDPOINT", "http://127.0.0.1:5000")
versions = list(ReportVersion.objects.values_list("pk", "sha256"))
assert versions, "no issued version to read"


def timed(read):
    times = []
    for _ in range(READS):
        for pk, sha in versions:
            started = time.perf_counter()
            data = read(pk)
            if hashlib.sha256(data).hexdigest() != sha:
                raise AssertionError(f"version {pk}: SHA-256 differs")
            times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=20)
    return statistics.median(times), cuts[18]


def from_database(pk):
    return bytes(ReportVersion.objects.values_list("pdf", flat=True).get(pk=pk))


s3 = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2")
bucket = "pdf-read-measure"
s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
for pk, _ in versions:
    s3.put_object(Bucket=bucket, Key=f"versions/{pk}.pdf", Body=from_database(pk))


def from_object_store(pk):
    return s3.get_object(Bucket=bucket, Key=f"versions/{pk}.pdf")["Body"].read()


sizes = [len(from_database(pk)) for pk, _ in versions]
print(f"{len(versions)} issued versions, {min(sizes) // 1024}-{max(sizes) // 1024} KiB each")
for name, read in (("database", from_database), ("object store", from_object_store)):
    median, p95 = timed(read)
    print(f"{name}: median {median:.2f} ms, p95 {p95:.2f} ms (SHA-256 checked each read)")
for pk, _ in versions:
    s3.delete_object(Bucket=bucket, Key=f"versions/{pk}.pdf")
s3.delete_bucket(Bucket=bucket)
