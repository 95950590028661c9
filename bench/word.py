"""Benchmark of the committee documents as Word documents (python-docx).

    .venv/bin/python bench/word.py            # the Merton plan, 100 and 300 recommendations
    .venv/bin/python bench/word.py --quick    # without the 300-recommendation tracker

For each document it prints the time to make the Word document our way (the content key, the
plan read through load_plan, python-docx), python-docx's share of it (writing the document
from content already read), its size, a cached repeat through a whole Django request, and
what an uncached web request does with a document over DOCUMENTS_SYNC_MAX_RECOMMENDATIONS (it
queues the background task, as for the PDF). The PDF of the same document is timed once
beside it, for comparison.

It works on the database bench/pdf.py builds (a temporary SQLite file: the demonstration
data, plus trackers of 100 and 300 recommendations written like Merton's), never on var/.
"""

import argparse
import dataclasses
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pdf import (  # noqa: E402
    CASES,
    print_queued,
    queued_request,
    run_cases,
    setup_django,
    spec_for,
)


def best(run, repeat: int) -> tuple[float, float]:
    """The best wall and CPU time of ``repeat`` runs (the least disturbed by other work)."""
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return min(walls), min(cpus)


def measure(case: str, var_dir: str, repeat: int) -> dict:
    setup_django(var_dir)
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client
    from django.test.utils import override_settings

    from recommendations.documents import pdfs, word
    from recommendations.documents.key import prepare
    from recommendations.documents.spec import select_recommendations

    cache = pdfs.documents_cache()
    spec = dataclasses.replace(spec_for(case), format="docx")
    warm = dataclasses.replace(spec_for("merton"), format="docx")
    word.make_docx(prepare(warm, select_recommendations(warm)))

    made = None

    def ours():
        nonlocal made
        cache.clear()
        made = word.make_docx(prepare(spec, select_recommendations(spec)))

    content = prepare(spec, select_recommendations(spec)).content
    ours_wall, ours_cpu = best(ours, repeat)
    alone_wall, alone_cpu = best(lambda: word.document_docx(content), repeat)

    pdf_spec = dataclasses.replace(spec, format="pdf")

    def pdf():
        cache.clear()
        pdfs.make_pdf(prepare(pdf_spec, select_recommendations(pdf_spec)))

    pdf_wall, pdf_cpu = best(pdf, 1)

    client = Client()
    client.force_login(User.objects.get(username="councillor"))
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        url = spec.url()
        cache.clear()
        settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = 10_000  # made in this request
        first = client.get(url)
        assert first.status_code == 200, first.status_code
        requests = []
        for _ in range(20):
            start = time.perf_counter()
            response = client.get(url)
            requests.append(time.perf_counter() - start)
        assert response.content == first.content, "the repeat was not served from the cache"
        settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = 30
        queued = None
        recommendations = prepare(spec, select_recommendations(spec)).recommendations
        if recommendations > settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS:
            queued = queued_request(client, url, cache)
    return {
        "case": case,
        "recommendations": recommendations,
        "bytes": made.size,
        "ours": ours_wall,
        "ours_cpu": ours_cpu,
        "alone": alone_wall,
        "alone_cpu": alone_cpu,
        "pdf": pdf_wall,
        "pdf_cpu": pdf_cpu,
        "cached_request": statistics.median(requests),
        "queued_request": queued,
        "rounds": repeat,
        "load": os.getloadavg()[0],
    }


def report(r: dict) -> None:
    print(
        f"{CASES[r['case']]}: {r['recommendations']} recommendations, "
        f"{r['bytes'] / 1024:.0f} KB (load average {r['load']:.1f}; best of {r['rounds']} runs)"
    )
    print(f"  Word, ours        {r['ours']:7.2f} s   (CPU {r['ours_cpu']:.2f} s)")
    print(f"  python-docx alone {r['alone']:7.2f} s   (CPU {r['alone_cpu']:.2f} s)")
    print(f"  the PDF, beside   {r['pdf']:7.2f} s   (CPU {r['pdf_cpu']:.2f} s)")
    print(f"  cached repeat     {r['cached_request'] * 1000:7.1f} ms (whole request)")
    print_queued(r["queued_request"])
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="leave out the 300 tracker")
    parser.add_argument("--repeat", type=int, default=0, help="timed runs per document")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:  # a child process: measure one document, print JSON
        repeat = args.repeat or {"merton": 10, "tracker100": 3}.get(args.case, 2)
        print(json.dumps(measure(args.case, args.var_dir, repeat)))
        return 0

    cases = [c for c in CASES if not (args.quick and c == "tracker300")]
    return 0 if run_cases(__file__, cases, args.repeat, report) is not None else 1


if __name__ == "__main__":
    sys.exit(main())
