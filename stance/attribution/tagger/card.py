"""A generated model card (Markdown) for the attribution tagger."""

from __future__ import annotations

import datetime as _dt

from stance.attribution.tagger.config import ROLES, TaggerConfig


def tagger_card(config: TaggerConfig, metrics: dict, command: str) -> str:
    dev = metrics.get("dev", {})
    lines = [
        "# Attribution tagger",
        "",
        f"A {'LoRA adapter' if config.method == 'lora' else 'fully fine-tuned model'} on `{config.base_model}` that "
        "tags, token by token, the source, cue and content of each attribution in a news article (BIO tags, "
        f"windows of {config.window} tokens).",
        "",
        ("Decoding: a tag per word (its word pieces scored together) and the best sequence that is valid BIO "
         "(Viterbi); source and cue spans go on over a title's or an initial's full stop."
         if config.decoding == "words" else "Decoding: each token's most likely tag."),
        "",
        f"Trained on PolNeAR's train split ({metrics.get('train_docs', '?')} articles, "
        f"{metrics.get('train_windows', '?')} windows) for {len(metrics.get('history', [])) or config.epochs} "
        f"epoch(s) in "
        f"{round(metrics['train_seconds']) if 'train_seconds' in metrics else '?'} s on CPU, with:",
        "",
        f"    {command}",
        "",
    ]
    if dev:
        lines += [f"PolNeAR dev ({metrics.get('dev_docs', '?')} articles), span F1 (exact / overlap, "
                  "after trimming surrounding punctuation and quotation marks):", "",
                  "| role | exact P | exact R | exact F1 | overlap F1 |", "|---|---|---|---|---|"]
        lines += [f"| {role} | {100 * dev[f'{role}_exact_p']:.1f} | {100 * dev[f'{role}_exact_r']:.1f} | "
                  f"{100 * dev[f'{role}_exact_f1']:.1f} | {100 * dev[f'{role}_overlap_f1']:.1f} |" for role in ROLES]
        lines.append("")
    lines += [
        "## Limits",
        "",
        "- Trained on 2016 US election coverage from seven US outlets; other registers (wire copy from South Asia, "
        "transcripts) are out of its training distribution.",
        "- It finds spans; it does not resolve a source to an actor (the registry and the rules do that), and it "
        "does not link a cue to its source and content across windows.",
        "",
        f"Generated {_dt.date.today().isoformat()}.",
        "",
    ]
    return "\n".join(lines)
