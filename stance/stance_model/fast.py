"""The stance model in the form that starts fastest: its ONNX Runtime export (fp32, see
:data:`QUANTIZE` and :mod:`stance.stance_model.onnx`), built once into the cache and loaded with no
torch, transformers or peft.  Importing those and merging the adapter took 6 to 9 s of the 7 to 10 s
`stance predict` needed on 40 pairs; from the cached form it takes about 1 s (docs/benchmarks.md,
"Start-up").

    model = load_stance_model(DEFAULT_MODEL)   # the first run builds CACHE/onnx/stance-minilm-KEY (15-20 s)

The form is keyed by the model folder's files and, for a LoRA adapter, its base's
(:func:`stance.modelling.cache.model_sources`), so a retrained adapter builds a new one.  Each build
is checked against torch on :data:`PROBES`: every logit within :data:`LOGIT_TOLERANCE` of torch's
and every answer the same.  A form failing its check is not used (the model runs on torch, with a
warning), nor is one when ONNX Runtime is missing.  On the project's 190 dev pairs the form gives
torch's answer on every pair, its probabilities within 3e-6 of torch's.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from stance.modelling.cache import FormCheckError, cached_form, has_onnxruntime, model_sources, wants_form
from stance.stance_model.config import StanceConfig
from stance.stance_model.model import Predicting

log = logging.getLogger(__name__)

QUANTIZE = False
"""Whether the form is int8 (with the fp32 graph for close calls) rather than fp32 alone.  Both start
as fast (0.8-1.2 s for `stance predict` on 40 pairs in alternating runs); int8 scored the project's
pairs 1.3-2.7x faster but moved calibrated confidences by up to 0.21 (0.008 on average) on the dev
pairs, and answers as torch on 99.5% of dev+test; fp32 gives torch's probabilities to 3e-6
(docs/benchmarks.md, "Start-up")."""
FORM = f"onnx-{'int8-recheck' if QUANTIZE else 'fp32'}-1"
"""The salt of a form's key: the export's format; a change here builds every form again."""
LOGIT_TOLERANCE = 1e-3
"""Largest difference allowed between a logit of the (fp32) form and torch's on the probes."""
PROBES: tuple[tuple[str, str], ...] = (
    ("We will never allow foreign troops to operate from our soil.",
     "Foreign forces should be allowed to use bases in the country."),
    ("The minister welcomed the agreement and said both sides would share more information.",
     "The two governments should share intelligence."),
    ("Officials declined to comment on the talks.", "The two governments should share intelligence."),
    ("Strikes by unmanned aircraft violate our sovereignty and must stop at once.",
     "Drone strikes should continue."),
    ("He said the joint operation had been a success and more would follow.",
     "The armies should conduct joint operations."),
    ("The committee will meet again next month.", "A carbon tax should be introduced."),
    ("A tax on emissions is the cheapest way to cut them, the economist argued.",
     "A carbon tax should be introduced."),
    ("She rejected any suggestion that militants enjoyed safe havens in the region.",
     "Militant safe havens in the region must be closed."),
)
"""Pairs written for the build check (any sentences do: the check compares two runtimes)."""


def onnx_form(folder: str | Path, cache: Path | None = None) -> Path | None:
    """The cached ONNX Runtime form of the stance model in ``folder``, built (and checked) on first
    use; None, with a log line saying why, when ONNX Runtime is missing or the form failed its check."""
    folder = Path(folder)
    if not has_onnxruntime():
        log.warning("onnxruntime is not installed: the stance model runs on torch (a slower start; "
                    "pip install onnxruntime)")
        return None
    config = StanceConfig.load(folder)
    sources = model_sources(folder, config.base_model if config.method == "lora" else None)
    return cached_form("onnx", folder.name, sources, lambda out: build_form(folder, out), salt=FORM, cache=cache,
                       what="the ONNX Runtime form of the stance model")


def build_form(folder: Path, out: Path) -> dict:
    """Export the model in ``folder`` to ``out`` (the fp32 graph, or int8 with the fp32 graph for
    close calls when :data:`QUANTIZE`) and check it against torch on :data:`PROBES`; return the
    check's figures, or raise :class:`FormCheckError`."""
    from stance.stance_model.model import StanceClassifier
    from stance.stance_model.onnx import OnnxStanceClassifier, write_onnx

    clf = StanceClassifier.load(folder)
    _quietly(lambda: write_onnx(clf, folder, out, quantize=QUANTIZE))
    return check_form(clf, OnnxStanceClassifier.load(out))


def check_form(reference: Predicting, form: Predicting, probes=PROBES) -> dict:
    """How a form answers ``probes`` beside the model it was built from: the largest logit
    difference and the answers that differ; :class:`FormCheckError` unless the first is within
    :data:`LOGIT_TOLERANCE` (int8: the answers only) and there are none of the second.

    The shipped model's form differs by about 4e-6 in a logit and in no answer."""
    texts, targets = [t for t, _ in probes], [g for _, g in probes]
    worst = float(np.abs(form._logits(texts, targets) - reference._logits(texts, targets)).max())
    wanted = [s.stance for s in reference.predict(texts, targets)]
    found = [s.stance for s in form.predict(texts, targets)]
    differ = [k for k, (a, b) in enumerate(zip(wanted, found)) if a != b]
    figures = {"probes": len(probes), "answers_differing": len(differ), "max_logit_difference": worst}
    if worst > LOGIT_TOLERANCE and not QUANTIZE:
        raise FormCheckError(f"its logits differ from torch's by up to {worst:.2g} on the probe pairs; expected at "
                             f"most {LOGIT_TOLERANCE}")
    if differ:
        raise FormCheckError(f"{len(differ)} of {len(probes)} probe pairs answered differently from torch "
                             f"(pairs {differ}: {[found[k] for k in differ]} for {[wanted[k] for k in differ]})")
    return figures


def load_stance_model(folder: str | Path, threads: int | None = None) -> Predicting:
    """The stance model saved in ``folder``: from its cached ONNX Runtime form when
    :func:`~stance.modelling.cache.wants_form` says so and the form can be had, else on torch.
    Its ``name`` is the folder's either way, so that predictions name the same model."""
    from stance.stance_model.model import StanceClassifier

    folder = Path(folder)
    form = onnx_form(folder) if wants_form(folder) else None
    if form is None:
        return StanceClassifier.load(folder)
    from stance.stance_model.onnx import OnnxStanceClassifier

    model = OnnxStanceClassifier.load(form, threads)
    model.name = folder.name
    log.info("stance model %s: its ONNX Runtime form in %s (STANCE_RUNTIME=torch for torch)", folder.name, form)
    return model


def _quietly(work):
    """Run ``work`` without the exporters' advice on stderr (tracer warnings, the quantiser's
    'consider pre-processing' note): the build's check says whether the form is right."""
    import warnings

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return work()
    finally:
        root.setLevel(level)
