"""One pass over a list of batches: forward, loss, backward, clipped step; shared by
the stance model and the attribution tagger."""

from __future__ import annotations

from collections.abc import Callable, Sequence


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
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimiser.step(), scheduler.step(), optimiser.zero_grad()
        running, done, step = running + loss.item(), done + 1, step + 1
        bar.set_postfix(loss=f"{running / done:.3f}")
        if step >= total:
            break
    return running / max(1, done), step
