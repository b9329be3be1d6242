"""Token-overlap metric for extraction benchmarks (see shared/extract-cases/README.md)."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def prf(predicted: str, truth: str) -> tuple[float, float, float]:
    pred = Counter(tokens(predicted))
    gold = Counter(tokens(truth))
    if not pred or not gold:
        return 0.0, 0.0, 0.0
    overlap = sum((pred & gold).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    p = overlap / sum(pred.values())
    r = overlap / sum(gold.values())
    return p, r, 2 * p * r / (p + r)


def summary(scores: Sequence[tuple[float, float, float]], times_s: Sequence[float]) -> str:
    n = len(scores) or 1
    p = sum(s[0] for s in scores) / n
    r = sum(s[1] for s in scores) / n
    f = sum(s[2] for s in scores) / n
    good = sum(1 for s in scores if s[2] >= 0.9) / n
    ms = sorted(t * 1000 for t in times_s) or [0.0]
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (
        f"F1 {f:.3f}  P {p:.3f}  R {r:.3f}  >=0.9 {good:5.1%}  "
        f"median {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms"
    )
