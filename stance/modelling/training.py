"""The one training loop, shared by the stance model and the attribution tagger:
seeding, AdamW with a linear warm-up schedule, epochs of clipped steps, and a
hook after each epoch (dev figures, checkpoints, early stopping)."""

from __future__ import annotations

import json
import logging
import math
import random
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

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
               progress: bool = True) -> tuple[list[dict[str, Any]], int]:
    """Train ``model``'s trainable parameters; returns (one record per epoch, steps taken).

    ``batches_for_epoch(epoch)`` gives that epoch's batches (whatever ``loss_of``
    takes); ``loss_of(batch)`` the loss tensor.  Each record holds ``epoch`` and
    ``train_loss`` and what ``after_epoch`` adds; it is logged at INFO.  The loop
    stops after ``max_steps`` steps, after the last epoch, or when ``after_epoch``
    says so.  The model is left in eval mode.
    """
    import torch
    from transformers import get_linear_schedule_with_warmup

    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=schedule.learning_rate, weight_decay=schedule.weight_decay)
    total = total_steps(examples_per_epoch, schedule, max_steps)
    scheduler = get_linear_schedule_with_warmup(optimiser, int(schedule.warmup_ratio * total), total)
    history: list[dict[str, Any]] = []
    step = 0
    for epoch in range(schedule.epochs):
        model.train()
        batches = batches_for_epoch(epoch)
        mean_loss, step = run_epoch(batches, loss_of, params, optimiser, scheduler, step=step, total=total,
                                    desc=f"epoch {epoch + 1}/{schedule.epochs}", progress=progress)
        record: dict[str, Any] = {"epoch": epoch + 1, "train_loss": mean_loss}
        stop = after_epoch(record, history, step) if after_epoch is not None else False
        history.append(record)
        log.info("%s", json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in record.items()}))
        if step >= total or stop:
            break
    model.eval()
    return history, step


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
