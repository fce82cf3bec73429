"""Peer for the scale benchmark: hnswlib on the same vectors (cosine; M and ef_construction as pgvector's index, default 16 / 64; ef 400 and 100)."""
import sys, time
import numpy as np
import hnswlib

d = sys.argv[1]
m, ef_construction = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) > 3 else (16, 64)
data = np.fromfile(f"{d}/data.f32", dtype=np.float32).reshape(-1, 384)
queries = np.fromfile(f"{d}/queries.f32", dtype=np.float32).reshape(-1, 384)
exact = [list(map(int, line.split())) for line in open(f"{d}/exact.txt")]
t = time.time()
index = hnswlib.Index(space="cosine", dim=384)
index.init_index(max_elements=len(data), M=m, ef_construction=ef_construction)
index.set_num_threads(1)
index.add_items(data, np.arange(len(data)))
build = time.time() - t
for ef in (400, 100):  # the last line printed is ef 100, which the benchmark compares with
    index.set_ef(ef)
    t = time.time()
    labels = [index.knn_query(q, k=10)[0][0] for q in queries]
    per_query = (time.time() - t) * 1000 / len(queries)
    # Ties count: a result is right when it is as close as the exact 10th neighbour.
    recall = np.mean([min(10, sum(float(data[i] @ q) >= float(data[e[-1]] @ q) - 1e-6 for i in l)) / 10 for l, e, q in zip(labels, exact, queries)])
    print(f"hnswlib peer ({len(data)} distinct vectors, M {m}, ef_construction {ef_construction}, 1 thread, ef {ef}): build {build:.1f} s, recall@10 {recall:.3f}, {per_query:.3f} ms/query")
