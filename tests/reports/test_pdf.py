"""The demo's reports as the committee's clerks receive them: real PDFs, read back."""

import re
import subprocess
import sys

from pypdf.generic import NameObject

SECTIONS = {
    "interim": [
        "1. Purpose of the report",
        "2. Recommendations to the committee",
        "3. Summary of position",
        "4. Completions and the Board's sign-off",
        "5. Exceptions and recovery plans",
        "6. All recommendations",
        "7. Next steps",
    ],
    "full": [
        "1. Purpose of the report",
        "2. Recommendations to the committee",
        "3. Summary of position",
        "4. Movement since the last report",
        "5. Completions and the Board's sign-off",
        "6. Exceptions and recovery plans",
        "7. All recommendations",
        "8. Progress by recommendation",
        "9. Next steps",
        "Appendix A. Completed recommendations",
    ],
}


def test_the_demo_interim_report_states_17_complete_and_21_on_track(demo_pdfs):
    text = " ".join(demo_pdfs["interim"].text.split())

    assert "As at 30 November 2016, of the 38 recommendations: 17 complete, 21 on track," in text


def test_the_interim_report_lists_every_recommendation_from_1_to_38(demo_pdfs):
    pdf = demo_pdfs["interim"]
    overview = "\n".join(page for page in pdf.pages if "6. All recommendations" in page[:300])
    rows = {int(n) for n in re.findall(r"^ *(\d{1,2}) {2,}\S", overview, flags=re.MULTILINE)}

    assert rows == set(range(1, 39))


def test_every_page_carries_the_marking_at_top_and_bottom_and_page_x_of_y(demo_pdfs):
    for name in ("interim", "full"):
        pdf = demo_pdfs[name]
        total = len(pdf.reader.pages)
        assert len(pdf.pages) == total
        for number, page in enumerate(pdf.pages, start=1):
            lines = [line for line in page.splitlines() if line.strip()]
            assert "OFFICIAL" in lines[0], (name, number)
            assert "OFFICIAL" in lines[-1], (name, number)
            assert f"Page {number} of {total}" in lines[-1], (name, number)


def test_the_contents_page_numbers_are_where_the_sections_start(demo_pdfs):
    for name, sections in SECTIONS.items():
        pdf = demo_pdfs[name]
        contents = pdf.pages[0]  # on the cover, under the front sheet: not a page of its own
        assert "Contents" in contents
        for section in sections:
            listed = re.search(re.escape(section) + r" ?\.+ *(\d+)", contents)
            assert listed, (name, section)
            starts = next(
                number
                for number, page in enumerate(pdf.pages, start=1)
                if number > 1 and re.search(r"^" + re.escape(section) + r"\s*$", page, re.M)
            )
            assert int(listed[1]) == starts, (name, section)


def test_the_pdf_is_tagged_with_its_language_title_and_bookmarks(demo_pdfs):
    reader = demo_pdfs["full"].reader
    root = reader.trailer["/Root"]

    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == "Scrutiny Review of Child Sexual Exploitation: Progress Report"
    assert reader.metadata.author == "Telford & Wrekin Safeguarding Children Board"
    assert "as at 30 April 2017" in reader.metadata.subject
    bookmarks = outline_titles(reader.outline)
    assert "8. Progress by recommendation" in bookmarks
    assert "Appendix A. Completed recommendations" in bookmarks


def outline_titles(outline):
    titles = []
    for item in outline:
        titles.extend(outline_titles(item) if isinstance(item, list) else [item.title])
    return titles


def test_the_fonts_are_embedded(demo_pdfs):
    reader = demo_pdfs["interim"].reader
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"]
                fonts[str(descendant.get_object()["/BaseFont"])] = any(
                    NameObject(key) in descriptor
                    for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )

    assert fonts and all(fonts.values()), fonts
    assert any("Liberation-Sans" in name for name in fonts)


def test_a_draft_says_draft_on_every_page_and_an_issued_version_its_version_and_date(demo_pdfs):
    assert all("DRAFT" in page for page in demo_pdfs["interim"].pages)
    issued = demo_pdfs["issued"]
    assert all("DRAFT" not in page for page in issued.pages)
    assert all("Version 1" in page and "Issued " in page for page in issued.pages)


def test_the_full_report_details_every_recommendation_not_settled_before_the_last_report(
    demo_pdfs,
):
    text = demo_pdfs["full"].text
    interim = demo_pdfs["interim"].text
    # Complete and signed off by the interim's cut-off: a line in Appendix A, no section.
    settled = {
        int(n) for n in re.findall(r"^ *(\d{1,2}) .*Signed off \d", interim, flags=re.MULTILINE)
    }

    assert settled  # the demo's interim has completions the Board had signed off
    for number in range(1, 39):
        detailed = f"Recommendation {number}: " in text
        assert detailed == (number not in settled), number
    assert "Status at the last report" in text
    assert "Progress since 30 November 2016, newest first" in text
    assert "Evidence of impact, newest first" in text
    assert "Appendix A. Completed recommendations" in text


def test_both_reports_pass_the_pdf_ua_checker_with_no_finding(demo_pdfs, tmp_path):
    for name in ("interim", "full"):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(demo_pdfs[name].data)

        result = subprocess.run(
            [sys.executable, "-m", "pdfua", "check", str(path)], capture_output=True, text=True
        )

        assert result.returncode == 0, result.stdout  # 0: no error, no warning
        assert "errors=0 warnings=0" in result.stdout
