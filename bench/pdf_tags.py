"""What putting the PDFs' tags right costs, beside WeasyPrint's own time.

    .venv/bin/python bench/pdf_tags.py            # the Merton plan, trackers of 100 and 300
    .venv/bin/python bench/pdf_tags.py --quick    # the Merton plan and the 100 tracker

For each document (the cases of bench/pdf.py, on a temporary database of their own) it
prints the CPU time of WeasyPrint (layout and writing) and of the post-processing step
(``tagging.table_cells`` and ``tagging.retag``: reading the PDF back with pikepdf, merging the
tables, the artifacts, the trees, saving), each the best of several runs, and the step's
share of WeasyPrint's time. Target: a small share (the documents' whole overhead over
WeasyPrint alone is to stay within 10%). :func:`measure` can be called on any HTML.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pdf import build_database, spec_for


def measure(html: str, repeat: int = 5) -> dict:
    """The best CPU times, in seconds, of WeasyPrint and of the tagging step on ``html``."""
    import weasyprint

    from recommendations.documents import render, tagging

    best = {"weasyprint": float("inf"), "tagging": float("inf")}
    for _ in range(repeat):
        started = time.process_time()
        document = weasyprint.HTML(string=html, url_fetcher=render._no_network()).render()
        pdf = document.write_pdf(pdf_variant=render.PDF_VARIANT)
        best["weasyprint"] = min(best["weasyprint"], time.process_time() - started)
        started = time.process_time()
        tagging.retag(pdf, tagging.table_cells(document))
        best["tagging"] = min(best["tagging"], time.process_time() - started)
    best["pages"] = len(document.pages)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="leave out the 300 tracker")
    parser.add_argument("--repeat", type=int, default=5, help="runs per document")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-tags-") as var_dir:
        build_database(var_dir)
        from recommendations.documents.content import build_content
        from recommendations.documents.render import document_html
        from recommendations.documents.spec import select_recommendations

        cases = ["merton", "tracker100"] + ([] if args.quick else ["tracker300"])
        for case in cases:
            spec = spec_for(case)
            html = document_html(build_content(spec, select_recommendations(spec)))
            result = measure(html, repeat=args.repeat)
            print(
                f"{case:11} {result['pages']:3d} pages: WeasyPrint {result['weasyprint']:.3f} s, "
                f"tagging {result['tagging'] * 1000:.1f} ms of CPU "
                f"({result['tagging'] / result['weasyprint']:.1%} of WeasyPrint; best of "
                f"{args.repeat})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
