"""The one training loop, shared by the stance model and the attribution tagger:
seeding, AdamW with a linear warm-up schedule, epochs of clipped steps, a hook
after each epoch (dev figures, checkpoints, early stopping), and a training state
saved after each epoch so that a run cut short resumes where it stopped and ends
with the same weights as an uninterrupted one.

The state is two open files in the state folder: ``training_state.json`` (epoch,
step, history, the optimiser's settings, the schedule, every random generator's
state, the hook's figures) and ``training_state.safetensors`` (the trainable
weights, the optimiser's moments, torch's generator, the hook's tensors).  No pickles."""

from __future__ import annotations

import json
import logging
import math
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol, cast

import numpy as np

from stance.errors import ConfigError

log = logging.getLogger(__name__)

MAX_GRAD_NORM = 1.0
"""Gradients are clipped to this global norm before each step."""


class Schedule(Protocol):
    """What the loop reads of a model's configuration (``StanceConfig`` and ``TaggerConfig`` both have it)."""

    epochs: int
    batch_size: int
    learning_rate: float
    weight_decay: float
    warmup_ratio: float


AfterEpoch = Callable[[dict[str, Any], list[dict[str, Any]], int], bool]
"""``after_epoch(record, history_so_far, step)`` may add figures to ``record`` and returns True to stop early."""
STATE_JSON = "training_state.json"
STATE_SHARD = "training_state-{:05d}.safetensors"
"""The tensors of a training state, in shards of at most :data:`SHARD_BYTES` (so that a checkpoint can be committed)."""
SHARD_BYTES = 20_000_000


class LoopResult(NamedTuple):
    """What :func:`train_loop` returns."""

    history: list[dict[str, Any]]
    """One record per epoch, from the first epoch of the run (a resumed run's earlier ones included)."""
    step: int
    """Optimisation steps taken."""
    finished: bool
    """False when ``stop_after`` cut the run short: go on with ``resume``."""


class Stateful(Protocol):
    """Whatever else a resumed run needs (the best epoch so far, say): JSON figures and named tensors."""

    def state(self) -> tuple[dict[str, Any], dict[str, Any]]: ...

    def load_state(self, figures: dict[str, Any], tensors: dict[str, Any]) -> None: ...


DEVICES = ("auto", "cpu", "cuda", "mps")
"""What ``--device`` takes (``cuda:N`` too): ``auto`` is CUDA where torch sees a GPU, else the CPU."""


def pick_device(name: str = "auto") -> str:
    """The torch device to train on: ``auto`` -> ``cuda`` where a GPU is visible, else ``cpu``;
    a named device is checked, so that a run asked for a GPU never falls back to the CPU unsaid.

    >>> pick_device("cpu")
    'cpu'
    """
    import torch

    kind, colon, index = name.partition(":")
    if kind not in DEVICES or (colon and (kind != "cuda" or not index.isdigit())):
        raise ConfigError(f"--device {name!r}: expected one of {', '.join(DEVICES)} or cuda:N")
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if kind == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"--device {name}: torch sees no CUDA GPU here (torch {torch.__version__}); "
                          "use --device cpu, or install a CUDA build of torch")
    if kind == "mps" and not torch.backends.mps.is_available():
        raise ConfigError(f"--device {name}: torch sees no Apple GPU here; use --device cpu")
    return name


def device_of(model) -> Any:
    """Where a torch model's weights are (a ``torch.device``); None for a model with no parameters to move (an ONNX
    Runtime form)."""
    parameters = getattr(model, "parameters", None)
    if parameters is None:
        return None
    first = next(iter(parameters()), None)
    return None if first is None else first.device


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's global generators."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def total_steps(examples_per_epoch: int, schedule: Schedule, max_steps: int | None = None) -> int:
    """Optimisation steps of the whole run: 100 examples, batches of 16, 3 epochs -> 7 * 3 = 21."""
    planned = math.ceil(examples_per_epoch / schedule.batch_size) * schedule.epochs
    return planned if max_steps is None else min(max_steps, planned)


def train_loop(model, schedule: Schedule, *, examples_per_epoch: int, batches_for_epoch: Callable[[int], Sequence],
               loss_of: Callable[[Any], Any], after_epoch: AfterEpoch | None = None, max_steps: int | None = None,
               progress: bool = True, rng: np.random.Generator | None = None, state_dir: str | Path | None = None,
               resume: bool = False, extra: Stateful | None = None,
               stop_after: int | None = None) -> LoopResult:
    """Train ``model``'s trainable parameters; returns the epochs' records, the steps and whether the run is done.

    ``batches_for_epoch(epoch)`` gives that epoch's batches (whatever ``loss_of``
    takes), drawn from ``rng``; ``loss_of(batch)`` the loss tensor.  Each record
    holds ``epoch`` and ``train_loss`` and what ``after_epoch`` adds; it is logged
    at INFO.  The loop stops after ``max_steps`` steps, after the last epoch, or
    when ``after_epoch`` says so.  The model is left in eval mode.

    With ``state_dir`` the training state is written there after every epoch
    (with ``extra``'s); ``resume`` starts from the state found there instead of
    from scratch.  ``stop_after`` ends this run after that many epochs of it (a
    chunk of a long run), the state saved for the next ``resume``.
    """
    import torch
    from transformers import get_linear_schedule_with_warmup

    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=schedule.learning_rate, weight_decay=schedule.weight_decay)
    total = total_steps(examples_per_epoch, schedule, max_steps)
    scheduler = get_linear_schedule_with_warmup(optimiser, int(schedule.warmup_ratio * total), total)
    history: list[dict[str, Any]] = []
    step = first = 0
    if resume:
        if state_dir is None:
            raise ConfigError("resume needs the folder of a saved training state; found none given")
        first, step, history, stopped = load_training_state(Path(state_dir), model, optimiser, scheduler, rng, extra)
        if stopped:
            log.info("the saved run had already finished (epoch %d of %d)", first, schedule.epochs)
            model.eval()
            return LoopResult(history, step, True)
    finished = False
    for done_now, epoch in enumerate(range(first, schedule.epochs), 1):  # done_now: epochs of this call
        model.train()
        batches = batches_for_epoch(epoch)
        mean_loss, step = run_epoch(batches, loss_of, params, optimiser, scheduler, step=step, total=total,
                                    desc=f"epoch {epoch + 1}/{schedule.epochs}", progress=progress)
        record: dict[str, Any] = {"epoch": epoch + 1, "train_loss": mean_loss}
        stop = after_epoch(record, history, step) if after_epoch is not None else False
        history.append(record)
        log.info("%s", json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in record.items()}))
        finished = step >= total or stop or epoch + 1 == schedule.epochs
        if state_dir is not None:
            save_training_state(Path(state_dir), epoch + 1, step, history, finished, model, optimiser, scheduler,
                                rng, extra)
        if finished or (stop_after is not None and done_now >= stop_after):
            break
    model.eval()
    return LoopResult(history, step, finished)


def _trainable(model) -> dict[str, Any]:
    return {name: p for name, p in model.named_parameters() if p.requires_grad}


def save_training_state(folder: Path, epoch: int, step: int, history: list[dict[str, Any]], finished: bool, model,
                        optimiser, scheduler, rng: np.random.Generator | None, extra: Stateful | None) -> None:
    """Everything :func:`load_training_state` needs, written atomically (a new file replaces the old)."""
    import torch
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{name}": p.detach().cpu().contiguous() for name, p in _trainable(model).items()}
    optim = optimiser.state_dict()
    for index, moments in optim["state"].items():
        tensors.update({f"optim.{index}.{key}": value.detach().cpu().contiguous() for key, value in moments.items()})
    tensors["torch.rng"] = torch.get_rng_state()
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        tensors["torch.cuda_rng"] = torch.cuda.get_rng_state()
    figures: dict[str, Any] = {}
    if extra is not None:
        figures, extra_tensors = extra.state()
        tensors.update({f"extra.{name}": t.detach().cpu().contiguous() for name, t in extra_tensors.items()})
    version, words, gauss = random.getstate()
    # legacy=True: the global generator's state as a tuple (numpy's stubs say a dict or a tuple)
    numpy_state = cast("tuple[str, np.ndarray, int, int, float]", np.random.get_state(legacy=True))
    state = {"epoch": epoch, "step": step, "finished": finished, "history": history,
             "param_groups": optim["param_groups"], "scheduler": scheduler.state_dict(),
             "random": [version, list(words), gauss],
             "numpy": [numpy_state[0], numpy_state[1].tolist(), *numpy_state[2:]],
             "rng": rng.bit_generator.state if rng is not None else None, "extra": figures}
    shards: list[dict[str, Any]] = [{}]
    size = 0
    for name, tensor in tensors.items():
        nbytes = tensor.numel() * tensor.element_size()
        if shards[-1] and size + nbytes > SHARD_BYTES:
            shards.append({})
            size = 0
        shards[-1][name] = tensor
        size += nbytes
    state["shards"] = [STATE_SHARD.format(k + 1) for k in range(len(shards))]
    for name, shard in zip(state["shards"], shards, strict=True):
        save_file(shard, str(folder / (name + ".tmp")))
    for name in state["shards"]:
        (folder / (name + ".tmp")).replace(folder / name)
    (folder / (STATE_JSON + ".tmp")).write_text(json.dumps(state), encoding="utf-8")
    (folder / (STATE_JSON + ".tmp")).replace(folder / STATE_JSON)
    for old in folder.glob(STATE_SHARD.replace("{:05d}", "*")):
        if old.name not in state["shards"]:
            old.unlink()


def load_training_state(folder: Path, model, optimiser, scheduler, rng: np.random.Generator | None,
                        extra: Stateful | None) -> tuple[int, int, list[dict[str, Any]], bool]:
    """Restore what :func:`save_training_state` wrote; returns (epochs done, step, history, finished)."""
    import torch
    from safetensors.torch import load_file

    if not (folder / STATE_JSON).is_file():
        raise ConfigError(f"{folder}: no saved training state ({STATE_JSON} and its tensor shards); expected the "
                          "checkpoint folder of a run started with the same --out, or leave out --resume")
    state = json.loads((folder / STATE_JSON).read_text(encoding="utf-8"))
    tensors: dict[str, Any] = {}
    for name in state["shards"]:
        if not (folder / name).is_file():
            raise ConfigError(f"{folder / name}: a shard of the saved training state is missing; expected every "
                              f"shard that {STATE_JSON} names ({', '.join(state['shards'])})")
        tensors.update(load_file(str(folder / name)))
    trainable = _trainable(model)
    saved = {k[len("model."):] for k in tensors if k.startswith("model.")}
    if saved != set(trainable):
        raise ConfigError(f"{folder}: the saved state holds other weights than this model trains "
                          f"({len(saved)} saved, {len(trainable)} trainable); expected a state of the same "
                          "configuration (base, method, LoRA rank and targets)")
    with torch.no_grad():
        for name, p in trainable.items():
            p.copy_(tensors[f"model.{name}"])
    moments: dict[int, dict[str, Any]] = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, index, name = key.split(".", 2)
            moments.setdefault(int(index), {})[name] = value
    optimiser.load_state_dict({"state": moments, "param_groups": state["param_groups"]})
    scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(tensors["torch.rng"])
    if "torch.cuda_rng" in tensors and torch.cuda.is_available():
        torch.cuda.set_rng_state(tensors["torch.cuda_rng"])
    version, words, gauss = state["random"]
    random.setstate((version, tuple(words), gauss))
    kind, keys, *rest = state["numpy"]
    np.random.set_state((kind, np.array(keys, dtype=np.uint32), *rest))
    if rng is not None and state["rng"] is not None:
        rng.bit_generator.state = state["rng"]
    if extra is not None:
        extra.load_state(state["extra"], {k[len("extra."):]: v for k, v in tensors.items() if k.startswith("extra.")})
    return state["epoch"], state["step"], state["history"], state["finished"]


def run_epoch(batches: Sequence, loss_of: Callable, params, optimiser, scheduler, *, step: int, total: int,
              desc: str, progress: bool) -> tuple[float, int]:
    """Train on ``batches`` (``loss_of(batch)`` gives the loss tensor) until they
    run out or ``total`` optimisation steps are reached; returns (mean loss, step)."""
    import torch
    from tqdm.auto import tqdm

    bar = tqdm(batches, desc=desc, disable=not progress, leave=False)
    running, done = 0.0, 0
    for idx in bar:
        loss = loss_of(idx)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, MAX_GRAD_NORM)
        optimiser.step()
        scheduler.step()
        optimiser.zero_grad()
        running, done, step = running + loss.item(), done + 1, step + 1
        bar.set_postfix(loss=f"{running / done:.3f}")
        if step >= total:
            break
    return running / max(1, done), step
