"""Times scikit-learn's ElasticNet, single-threaded, on the problem the .NET benchmark wrote, and compares.

Usage (see docs/benchmarks.md):
    dotnet run -c Release --project tests/MlTrack.Trainer.Benchmarks -- --data /tmp/enet.bin > /tmp/enet-dotnet.json
    /usr/bin/python3 tests/MlTrack.Trainer.Benchmarks/sklearn_bench.py /tmp/enet-dotnet.json

It reads the .NET report for the data file, alphas, l1_ratio, tol and max_iter, fits
ElasticNet(alpha, l1_ratio, tol, max_iter) with the defaults otherwise (precompute=False, selection='cyclic',
copy_X=True) on a Fortran-ordered X, times each fit() call (the fastest of as many as the .NET side ran), and
prints JSON: both timings, the ratio sklearn / .NET, and how far the two solutions are apart.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy loads its BLAS

import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import ElasticNet  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402


def load(path):
    """rows, cols as int64, X column by column, then y; all little-endian."""
    rows, cols = (int(v) for v in np.fromfile(path, dtype="<i8", count=2))
    values = np.fromfile(path, dtype="<f8", offset=16)
    if values.size != rows * cols + rows:
        raise SystemExit(f"{path}: expected {rows * cols + rows} values, found {values.size}")
    x = values[: rows * cols].reshape((cols, rows)).T  # a Fortran-ordered view: no copy
    return x, values[rows * cols:]


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    dotnet = json.load(open(sys.argv[1]))
    x, y = load(dotnet["data"])
    assert x.flags.f_contiguous and x.shape == (dotnet["rows"], dotnet["cols"])

    fits = []
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ElasticNet(alpha=1.0).fit(x[:20000], y[:20000])  # warm-up: imports, first-call costs
        for theirs in dotnet["fits"]:
            model = ElasticNet(alpha=theirs["alpha"], l1_ratio=dotnet["l1_ratio"], tol=dotnet["tol"],
                               max_iter=dotnet["max_iter"])
            samples = []
            for _ in range(dotnet["repeat"]):  # the fastest counts, as on the .NET side
                start = time.perf_counter()
                model.fit(x, y)
                samples.append(time.perf_counter() - start)
            seconds = min(samples)
            ours = np.asarray(theirs["coefficients"])
            scale = max(np.abs(model.coef_).max(), 1e-300)
            fits.append({
                "alpha": theirs["alpha"],
                "sklearn_seconds": seconds,
                "dotnet_seconds": theirs["seconds"],
                "sklearn_samples": samples,
                "dotnet_samples": theirs["samples"],
                "ratio_sklearn_over_dotnet": seconds / theirs["seconds"],
                "sklearn_iterations": int(model.n_iter_),
                "dotnet_iterations": theirs["iterations"],
                "sklearn_duality_gap": float(model.dual_gap_),
                "dotnet_duality_gap": theirs["duality_gap"],
                "max_coefficient_difference_relative_to_max_coefficient": float(np.abs(model.coef_ - ours).max() / scale),
                "intercept_difference": abs(float(model.intercept_) - theirs["intercept"]),
                "same_nonzero_pattern": bool(np.array_equal(model.coef_ != 0, ours != 0)),
            })
            print(f"alpha {theirs['alpha']}: sklearn {seconds:.3f} s, .NET {theirs['seconds']:.3f} s", file=sys.stderr)
        blas = [{k: i.get(k) for k in ("internal_api", "version", "num_threads", "filepath")} for i in threadpool_info()]

    total_sklearn = sum(f["sklearn_seconds"] for f in fits)
    total_dotnet = sum(f["dotnet_seconds"] for f in fits)
    print(json.dumps({
        "rows": dotnet["rows"], "cols": dotnet["cols"], "l1_ratio": dotnet["l1_ratio"], "tol": dotnet["tol"],
        "max_iter": dotnet["max_iter"], "repeat": dotnet["repeat"],
        "sklearn": sklearn.__version__, "numpy": np.__version__, "python": platform.python_version(),
        "blas": blas, "dotnet_runtime": dotnet["runtime"],
        "total_sklearn_seconds": total_sklearn, "total_dotnet_seconds": total_dotnet,
        "total_ratio_sklearn_over_dotnet": total_sklearn / total_dotnet,
        "fits": fits,
    }, indent=2))


if __name__ == "__main__":
    main()
