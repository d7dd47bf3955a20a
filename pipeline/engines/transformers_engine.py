"""Hugging Face transformers engine: for Whisper checkpoints saved with ``save_pretrained``.

Most fine-tuned Chinese Whisper models are published in this format. The adapter
uses transformers only for what is stable across its versions: the feature
extractor, the tokenizer, one ``generate`` call per window, and a plain forward
pass. Everything Whisper-specific around it (30 s windows on VAD pauses, segment
splitting on timestamp tokens, temperature fallback, log-probabilities,
no-speech probability, word times by dynamic time warping over the alignment
heads' cross-attention) follows openai-whisper's published algorithm, so results
are comparable with the other two engines.

Word timestamps: when the checkpoint's generation config lists
``alignment_heads`` (all official checkpoints and most fine-tunes do), word times
come from cross-attention alignment. Without them, word times are approximated
by spreading each segment's duration over its words in proportion to their
length; the segment times themselves are still the model's own.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from pipeline.engines.base import EngineOptions, RawSegment
from pipeline.engines.speech_regions import (
    SAMPLE_RATE,
    WINDOW_S,
    SpeechAudio,
    detect_speech,
    map_to_original,
    whole_track,
)
from pipeline.errors import ModelResolutionError
from pipeline.model_resolution import resolve_model
from pipeline.transcript import TranscribeOptions, Word

TIME_PRECISION = 0.02  # seconds per timestamp token and per encoder frame
# openai-whisper's fallback thresholds (transcribe.py defaults).
COMPRESSION_RATIO_THRESHOLD = 2.4
LOGPROB_THRESHOLD = -1.0
NO_SPEECH_THRESHOLD = 0.6
# Languages written without spaces: a word is one whole Unicode character run.
_UNSPACED = {"zh", "ja", "th", "lo", "my", "yue"}
_MEDIAN_FILTER_WIDTH = 7


@dataclass(frozen=True)
class _Decoded:
    """One window's decoding: the full token sequence and what the model thought of it."""

    tokens: tuple[int, ...]
    first: int  # index of the first generated token (after prompt + task prefix)
    logprobs: npt.NDArray[np.float64]  # logprobs[i]: log p(tokens[i] | tokens[:i])
    no_speech_prob: float
    attention: npt.NDArray[np.float32] | None  # (heads, len(tokens), frames)
    avg_logprob: float
    compression_ratio: float


@dataclass(frozen=True)
class _TokenSpan:
    start: float
    end: float
    positions: tuple[int, ...]  # indexes into _Decoded.tokens of the text tokens
    closing: int | None  # index of the closing timestamp token


def compression_ratio(text: str) -> float:
    """How repetitive ``text`` is (openai-whisper's hallucination heuristic)."""
    raw = text.encode("utf-8")
    return len(raw) / len(zlib.compress(raw)) if raw else 0.0


class TransformersEngine:
    name = "transformers"

    def __init__(self, options: EngineOptions) -> None:
        import torch
        from transformers import WhisperForConditionalGeneration, WhisperProcessor

        resolved = resolve_model(options.model, "transformers", options.model_cache,
                                 options.allow_network)
        torch.set_num_threads(max(1, options.cpu_threads))  # per process, see worker
        try:
            local_only = resolved.source != "hub"
            self._processor = WhisperProcessor.from_pretrained(
                resolved.location, local_files_only=local_only)
            # Eager attention: the word-alignment pass needs the attention weights.
            self._model: Any = cast(Any, WhisperForConditionalGeneration.from_pretrained(
                resolved.location, local_files_only=local_only, attn_implementation="eager"))
        except Exception as exc:  # OSError, ValueError, safetensors and JSON errors
            raise ModelResolutionError(
                options.model, [*resolved.tried, f"{resolved.location}: failed to load ({exc})"]
            ) from exc
        self._device = options.device
        self._model.to(options.device)
        self._model.eval()
        gen = self._model.generation_config
        tok = self._processor.tokenizer
        self._eot = int(gen.eos_token_id if isinstance(gen.eos_token_id, int)
                        else tok.convert_tokens_to_ids("<|endoftext|>"))
        self._sot = int(gen.decoder_start_token_id)
        no_ts = getattr(gen, "no_timestamps_token_id", None)
        if no_ts is None:
            no_ts = tok.convert_tokens_to_ids("<|notimestamps|>")
        self._timestamp_begin = int(no_ts) + 1
        self._no_speech = _first_known_token(tok, ("<|nospeech|>", "<|nocaptions|>"))
        heads = getattr(gen, "alignment_heads", None)
        self._alignment_heads: tuple[tuple[int, int], ...] = (
            tuple((int(layer), int(head)) for layer, head in heads) if heads else ())
        self._max_target = int(self._model.config.max_target_positions)
        self.model_ref = f"{resolved.source}:{resolved.location}"

    # -- public -------------------------------------------------------------------

    def transcribe(
        self, audio: npt.NDArray[np.float32], options: TranscribeOptions
    ) -> list[RawSegment]:
        samples = np.array(audio, dtype=np.float32)
        speech: SpeechAudio = (
            # Regions a little under 30 s so a window never cuts through one.
            detect_speech(samples, options.vad_min_silence_ms, max_region_s=WINDOW_S - 1.0)
            if options.vad_filter else whole_track(samples)
        )
        segments: list[RawSegment] = []
        previous: list[int] = []
        for start, end in speech.windows(WINDOW_S):
            window = speech.audio[start:end]
            if len(window) < SAMPLE_RATE // 10:  # under 0.1 s: nothing to decode
                continue
            decoded = self._decode_window(window, options, previous)
            offset = start / SAMPLE_RATE
            spans = self._spans(decoded, len(window) / SAMPLE_RATE)
            skip = (decoded.no_speech_prob > NO_SPEECH_THRESHOLD
                    and decoded.avg_logprob < LOGPROB_THRESHOLD)
            if skip:  # openai-whisper drops a window it judges silent
                previous = []
                continue
            for seg in self._to_segments(decoded, spans, len(window), options):
                segments.append(_shifted(seg, offset))
            text_tokens = [decoded.tokens[p] for s in spans for p in s.positions]
            previous = text_tokens if options.condition_on_previous_text else []
        return map_to_original(segments, speech)

    # -- decoding -----------------------------------------------------------------

    def _decode_window(
        self, window: npt.NDArray[np.float32], options: TranscribeOptions, previous: list[int]
    ) -> _Decoded:
        """Decode one ≤30 s window with openai-whisper's temperature fallback."""
        import torch

        features = self._processor.feature_extractor(
            window, sampling_rate=SAMPLE_RATE, return_tensors="pt"
        ).input_features.to(self._device)
        prompt = self._prompt_ids(options, previous)
        # Whisper's sample_len: half the text context, and never past its end.
        max_new = min(self._max_target // 2,
                      self._max_target - len(prompt) - 4) if prompt else self._max_target // 2
        best: _Decoded | None = None
        for temperature in options.temperature or (0.0,):
            kwargs: dict[str, Any] = {
                "return_timestamps": True,
                "max_new_tokens": max_new,
                "force_unique_generate_call": True,  # one call: no hidden re-seeking
                "return_dict_in_generate": True,
            }
            if options.language:
                kwargs["language"] = options.language
                kwargs["task"] = "transcribe"
            if prompt:
                kwargs["prompt_ids"] = torch.tensor(prompt, device=self._device)
            if temperature > 0:
                kwargs.update(do_sample=True, temperature=float(temperature), num_beams=1)
            else:
                kwargs.update(do_sample=False, num_beams=max(1, options.beam_size))
            with torch.no_grad():
                out = self._model.generate(features, **kwargs)
            sequence = [int(t) for t in out.sequences[0].tolist()]
            decoded = self._score(features, sequence)
            best = decoded
            too_repetitive = decoded.compression_ratio > COMPRESSION_RATIO_THRESHOLD
            too_unlikely = decoded.avg_logprob < LOGPROB_THRESHOLD
            silent = decoded.no_speech_prob > NO_SPEECH_THRESHOLD and too_unlikely
            if silent or not (too_repetitive or too_unlikely):
                break
        assert best is not None
        return best

    def _prompt_ids(self, options: TranscribeOptions, previous: list[int]) -> list[int]:
        """<|startofprev|> + initial prompt (+ previous window's text), Whisper-style."""
        text = options.prompt()
        ids: list[int] = []
        if text:
            ids = [int(t) for t in self._processor.get_prompt_ids(text, return_tensors="np")]
        if previous:
            if not ids:
                ids = [int(self._processor.tokenizer.convert_tokens_to_ids("<|startofprev|>"))]
            ids = ids + previous
        # Keep <|startofprev|> and the most recent context within half the context.
        limit = self._max_target // 2 - 1
        return ids if len(ids) <= limit else [ids[0], *ids[len(ids) - limit + 1:]]

    def _score(self, features: Any, sequence: list[int]) -> _Decoded:
        """One teacher-forced pass: token log-probs, no-speech prob, cross-attention."""
        import torch

        sot_index = sequence.index(self._sot) if self._sot in sequence else 0
        first = sot_index + 1
        while first < len(sequence) and self._eot < sequence[first] < self._timestamp_begin:
            first += 1  # skip <|lang|><|transcribe|> (and <|notimestamps|>)
        ids = torch.tensor([sequence], device=self._device)
        want_attention = bool(self._alignment_heads)
        with torch.no_grad():
            out = self._model(input_features=features, decoder_input_ids=ids,
                              output_attentions=want_attention, use_cache=False)
        logp = torch.log_softmax(out.logits[0].float(), dim=-1)
        # logits at i predict token i+1
        token_lp = np.zeros(len(sequence), dtype=np.float64)
        if len(sequence) > 1:
            nxt = torch.tensor(sequence[1:], device=logp.device)
            token_lp[1:] = logp[:-1].gather(1, nxt[:, None])[:, 0].cpu().numpy()
        no_speech = 0.0
        if self._no_speech is not None:
            no_speech = float(logp[sot_index, self._no_speech].exp())
        attention = None
        if want_attention and out.cross_attentions is not None:
            attention = np.stack([
                out.cross_attentions[layer][0, head].float().cpu().numpy()
                for layer, head in self._alignment_heads
            ])
        generated = list(range(first, len(sequence)))
        ended = any(sequence[i] == self._eot for i in generated)
        scored = [i for i in generated if sequence[i] != self._eot or ended]
        # openai-whisper: sum of log-probs / (number of generated tokens + 1)
        avg = float(token_lp[scored].sum() / (len(scored) + 1)) if scored else 0.0
        text = self._text([t for t in sequence[first:] if t < self._eot])
        return _Decoded(tuple(sequence), first, token_lp, no_speech, attention, avg,
                        compression_ratio(text))

    # -- turning tokens into segments ---------------------------------------------

    def _spans(self, decoded: _Decoded, window_s: float) -> list[_TokenSpan]:
        """Split generated tokens on timestamp tokens into timed text spans."""
        spans: list[_TokenSpan] = []
        start: float | None = None
        last_time = 0.0
        text: list[int] = []
        for i in range(decoded.first, len(decoded.tokens)):
            token = decoded.tokens[i]
            if token == self._eot:
                break
            if token >= self._timestamp_begin:
                t = (token - self._timestamp_begin) * TIME_PRECISION
                if text:
                    spans.append(_TokenSpan(start if start is not None else last_time, t,
                                            tuple(text), i))
                    text, start = [], None
                else:
                    start = t
                last_time = t
            elif token < self._eot:
                text.append(i)
        if text:  # no closing timestamp: the text runs to the end of the window
            spans.append(_TokenSpan(start if start is not None else last_time, window_s,
                                    tuple(text), None))
        out = []
        for s in spans:
            # Timestamps past the audio point into Whisper's 30 s zero padding.
            begin, end = min(s.start, window_s), min(max(s.end, s.start), window_s)
            if begin < window_s:
                out.append(_TokenSpan(begin, end, s.positions, s.closing))
        return out

    def _to_segments(
        self, decoded: _Decoded, spans: list[_TokenSpan], window_samples: int,
        options: TranscribeOptions,
    ) -> list[RawSegment]:
        times = None
        if options.word_timestamps and decoded.attention is not None and spans:
            times = self._align(decoded, spans, window_samples)
        out: list[RawSegment] = []
        for span in spans:
            text = self._text([decoded.tokens[p] for p in span.positions])
            if not text.strip():
                continue
            scored = list(span.positions) + ([span.closing] if span.closing is not None else [])
            words = (self._words(decoded, span, options.language, times)
                     if options.word_timestamps else ())
            out.append(RawSegment(
                start=span.start, end=span.end, text=text, words=words,
                avg_logprob=float(np.mean(decoded.logprobs[scored])),
                no_speech_prob=decoded.no_speech_prob,
                compression_ratio=compression_ratio(text),
            ))
        return out

    def _text(self, tokens: list[int]) -> str:
        return str(self._processor.tokenizer.decode(tokens, skip_special_tokens=True))

    def _word_groups(
        self, tokens: tuple[int, ...], positions: tuple[int, ...], language: str
    ) -> list[tuple[int, ...]]:
        """Group token positions into words, as openai-whisper's split_to_word_tokens.

        Chinese has no spaces: a "word" is the shortest token run that decodes to
        whole characters (BPE can split one character over several byte tokens).
        Elsewhere a new word starts at a token that begins with a space.
        """
        groups: list[tuple[int, ...]] = []
        current: list[int] = []
        unspaced = language in _UNSPACED
        for p in positions:
            if not unspaced and current and self._text([tokens[p]]).startswith(" "):
                groups.append(tuple(current))
                current = []
            current.append(p)
            if unspaced and "\ufffd" not in self._text([tokens[q] for q in current]):
                groups.append(tuple(current))
                current = []
        if current:
            groups.append(tuple(current))
        return groups

    def _words(
        self, decoded: _Decoded, span: _TokenSpan, language: str,
        times: dict[int, tuple[float, float]] | None,
    ) -> tuple[Word, ...]:
        groups = self._word_groups(decoded.tokens, span.positions, language)
        texts = [self._text([decoded.tokens[p] for p in g]) for g in groups]
        probs = [float(np.exp(np.mean(decoded.logprobs[list(g)]))) for g in groups]
        if times is not None:
            bounds = []
            for g in groups:
                start = min(max(times[g[0]][0], span.start), span.end)
                bounds.append((start, min(max(times[g[-1]][1], start), span.end)))
        else:
            # No alignment heads: share the segment's time out by word length.
            weights = np.array([max(len(t.strip()), 1) for t in texts], dtype=np.float64)
            edges = span.start + (span.end - span.start) * np.concatenate(
                [[0.0], np.cumsum(weights) / weights.sum()])
            bounds = [(float(edges[i]), float(edges[i + 1])) for i in range(len(groups))]
        return tuple(Word(start=b[0], end=b[1], text=t, probability=p)
                     for b, t, p in zip(bounds, texts, probs, strict=True))

    def _align(
        self, decoded: _Decoded, spans: list[_TokenSpan], window_samples: int
    ) -> dict[int, tuple[float, float]]:
        """(start, end) in seconds of every text token position in ``spans``.

        openai-whisper's find_alignment: standardise the alignment heads'
        cross-attention over tokens, median-filter it over time, average the
        heads and trace the cheapest monotonic path (DTW) from text tokens to
        audio frames; a token starts where the path first reaches it and ends
        where the next one starts.
        """
        assert decoded.attention is not None
        positions = [p for s in spans for p in s.positions]
        frames = max(1, min(decoded.attention.shape[-1],
                            round(window_samples / SAMPLE_RATE / TIME_PRECISION)))
        weights = decoded.attention[:, :, :frames].astype(np.float64)
        std = weights.std(axis=-2, keepdims=True)
        weights = (weights - weights.mean(axis=-2, keepdims=True)) / np.where(std > 0, std, 1.0)
        weights = _median_filter(weights, _MEDIAN_FILTER_WIDTH)
        # The decoder step at i-1 predicts token i, so row i-1 aligns token i; the
        # row at the last text token (predicting what follows) marks its end.
        rows = [p - 1 for p in positions] + [positions[-1]]
        matrix = weights.mean(axis=0)[rows]
        text_idx, time_idx = _dtw(-matrix)
        jumps = np.diff(text_idx, prepend=-1) > 0
        jump_times = time_idx[jumps] * TIME_PRECISION  # len(positions) + 1 entries
        return {p: (float(jump_times[k]), float(jump_times[k + 1]))
                for k, p in enumerate(positions)}


def _first_known_token(tokenizer: Any, names: tuple[str, ...]) -> int | None:
    unk = getattr(tokenizer, "unk_token_id", None)
    for name in names:
        token = tokenizer.convert_tokens_to_ids(name)
        if token is not None and token != unk:
            return int(token)
    return None


def _shifted(seg: RawSegment, offset: float) -> RawSegment:
    return RawSegment(
        start=seg.start + offset, end=seg.end + offset, text=seg.text,
        words=tuple(Word(start=w.start + offset, end=w.end + offset, text=w.text,
                         probability=w.probability) for w in seg.words),
        avg_logprob=seg.avg_logprob, no_speech_prob=seg.no_speech_prob,
        compression_ratio=seg.compression_ratio,
    )


def _median_filter(x: npt.NDArray[np.float64], width: int) -> npt.NDArray[np.float64]:
    """Median over the last axis with reflected edges (as openai-whisper)."""
    pad = width // 2
    if x.shape[-1] <= pad:
        return x
    padded = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(pad, pad)], mode="reflect")
    windows = np.lib.stride_tricks.sliding_window_view(padded, width, axis=-1)
    return np.asarray(np.median(windows, axis=-1))


def _dtw(cost: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Cheapest monotonic path through ``cost`` (tokens x frames), as openai-whisper.

    Plain Python lists: the recurrence is sequential along both axes, and list
    indexing is several times faster than NumPy scalar indexing here.
    """
    n, m = cost.shape
    inf = float("inf")
    rows = cost.tolist()
    acc = [[0.0] + [inf] * m] + [[inf] * (m + 1) for _ in range(n)]
    trace = [[2] * (m + 1)] + [[1] + [0] * m for _ in range(n)]
    for i in range(1, n + 1):
        prev, cur, row, tr = acc[i - 1], acc[i], rows[i - 1], trace[i]
        for j in range(1, m + 1):
            c0, c1, c2 = prev[j - 1], prev[j], cur[j - 1]
            if c0 < c1 and c0 < c2:
                cur[j] = row[j - 1] + c0
            elif c1 < c0 and c1 < c2:
                cur[j] = row[j - 1] + c1
                tr[j] = 1
            else:
                cur[j] = row[j - 1] + c2
                tr[j] = 2
    i, j = n, m
    path: list[tuple[int, int]] = []
    while i > 0 or j > 0:
        path.append((i - 1, j - 1))
        step = trace[i][j]
        if step == 0:
            i, j = i - 1, j - 1
        elif step == 1:
            i -= 1
        else:
            j -= 1
    path.reverse()
    arr = np.array(path, dtype=np.int64)
    return arr[:, 0], arr[:, 1]
