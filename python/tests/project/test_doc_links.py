"""Every relative link in README.md and docs/*.md leads somewhere: the file exists, and a `#anchor` into a Markdown
file names one of its headings (as GitHub slugs them).

Files move and get renamed (the layout of commit 11f35f8 moved most of the ones the docs link to); a link that
still points at the old place renders fine and fails only the reader who clicks it, so this test clicks every one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from segmentation_tools import PROJECT_ROOT as REPO_ROOT

DOCUMENTS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]

# An inline link or image, [text](target) or ![alt](target "title"); the text may hold one level of brackets.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
# A reference definition on its own line: [label]: target
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
INLINE_CODE = re.compile(r"(`+).*?\1")
HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the lines outside fenced code blocks: a link or heading in code is neither."""
    lines, in_fence = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            lines.append((number, line))
    return lines


def link_targets(text: str) -> list[tuple[int, str]]:
    """Every link and image target of a Markdown text, with its line number."""
    targets = []
    for number, prose_line in _prose_lines(text):
        line = INLINE_CODE.sub("", prose_line)
        found = [match.group(1) for match in INLINE_LINK.finditer(line)]
        if definition := REFERENCE_DEFINITION.match(line):
            found.append(definition.group(1))
        targets.extend((number, target.strip("<>")) for target in found)
    return targets


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text lowercased, punctuation dropped, spaces turned into hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading keeps only its text
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    return "".join(character for character in text if character.isalnum() or character in " -_").replace(" ", "-")


def heading_anchors(text: str) -> set[str]:
    """The anchors of a Markdown text's headings; a repeated heading gets -1, -2, ... as on GitHub."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    for _, line in _prose_lines(text):
        if heading := HEADING.match(line):
            slug = github_slug(heading.group(1))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def broken_links(document: Path) -> list[str]:
    """The relative links of a Markdown file whose file is missing or whose #anchor matches no heading."""
    broken = []
    for number, target in link_targets(document.read_text(encoding="utf-8")):
        if SCHEME.match(target):  # http:, https:, mailto: ... leave the repository
            continue
        path_part, _, anchor = target.partition("#")
        linked = (document.parent / path_part).resolve() if path_part else document
        where = f"{document.name}:{number}: {target}"
        if not linked.exists():
            broken.append(f"{where} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in heading_anchors(linked.read_text(encoding="utf-8")):
            broken.append(f"{where} (no heading with that anchor in {linked.name})")
    return broken


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(REPO_ROOT)))
def test_every_relative_link_in_the_docs_resolves(document):
    assert broken_links(document) == []


def test_the_docs_checked_are_the_readme_and_the_topic_pages():
    names = {path.relative_to(REPO_ROOT).as_posix() for path in DOCUMENTS}

    assert {"README.md", "docs/BENCHMARKS.md", "docs/SCALING.md"} <= names


@pytest.mark.parametrize(
    ("markdown", "reported"),
    [
        ("See [the guide](docs/GUIDE.md).", ["docs/GUIDE.md (no such file)"]),
        ("![chart](img/missing.png)", ["img/missing.png (no such file)"]),
        ("[ref]: other.md", ["other.md (no such file)"]),
        (
            "Read [this](target.md#no-such-heading).",
            ["target.md#no-such-heading (no heading with that anchor in target.md)"],
        ),
        ("Jump [down](#nowhere).", ["#nowhere (no heading with that anchor in page.md)"]),
        (
            "[a](target.md#the-seven-extracts-var-raw_data_path) [b](#the-contract) [c](#the-contract-1) [d](./)",
            [],
        ),
        ("[web](https://example.com/missing) [mail](mailto:team@example.com)", []),
        ("`[not a link](missing.md)` and\n```\n[nor this](missing.md)\n```", []),
    ],
    ids=[
        "missing file",
        "missing image",
        "missing reference target",
        "wrong anchor",
        "wrong local anchor",
        "good file and anchors",
        "external",
        "code",
    ],
)
def test_a_broken_link_or_anchor_is_reported_and_a_good_one_is_not(tmp_path, markdown, reported):
    (tmp_path / "target.md").write_text("# Target\n\n## The seven extracts (`var raw_data_path`)\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(f"{markdown}\n\n## The contract\n\n## The contract\n", encoding="utf-8")

    assert broken_links(page) == [f"page.md:1: {entry}" for entry in reported]
