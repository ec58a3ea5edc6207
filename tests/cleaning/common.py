"""What the cleaner's tests share: a source made from text, a story to put furniture around."""

from __future__ import annotations

from build_digest.models import SourceDocument, SourceKind


def roles(article, role):
    return [b.text for b in article.blocks if b.role is role]


def doc(text: str, path: str = "x.txt") -> SourceDocument:
    return SourceDocument(path, path, text, "utf-8", SourceKind.TEXT)


STORY = (
    "Fighting spread to three more townships in northern Shan State on Tuesday, residents"
    " said, as the alliance pressed its offensive along the road to the border.\n\n"
    "The military said it had lost contact with several outposts near the town, and aid"
    " groups said thousands of people had fled towards the Chinese frontier overnight.\n\n"
    "Officials in the state capital said the road had been closed since the weekend, cutting"
    " off the trade that the border towns depend on for food, fuel and medicine.\n\n"
    "Neither side gave figures for the dead or wounded, and the reports could not be checked"
    " independently because telephone and internet lines to the area have been cut.\n\n"
)


def numbered(block: str, count: int) -> str:
    """``block`` (with ``{n}`` in it) written out for n = 1 … count: a list's entries."""
    return "".join(block.format(n=n) for n in range(1, count + 1))


def teasers(count: int) -> str:
    return numbered(
        "Opinion number {n} on a different matter entirely\n\nAuthor Name{n}\n\n"
        "Tuesday November {n}, 2023\n\nA one-sentence summary of another writer's column about"
        " a subject that is not this story, number {n}.\n\n",
        count,
    )
