"""Reference values for the drift statistics, from SciPy: reads cases as JSON on stdin, writes results as JSON."""
import json
import sys

import numpy as np
from scipy import special, stats

cases = json.load(sys.stdin)
out = {"ks": [], "wasserstein": [], "chiSquare": [], "chi2Sf": [], "kstwoSf": [], "gammaincc": []}
for case in cases["pairs"]:
    a = np.asarray(case["a"], dtype=np.float64)
    b = np.asarray(case["b"], dtype=np.float64)
    ks = stats.ks_2samp(a, b, method="asymp")
    out["ks"].append([float(ks.statistic), float(ks.pvalue)])
    out["wasserstein"].append(float(stats.wasserstein_distance(a, b)))
for case in cases["chiSquare"]:
    result = stats.chisquare(np.asarray(case["observed"], dtype=np.float64), np.asarray(case["expected"], dtype=np.float64))
    out["chiSquare"].append([float(result.statistic), float(result.pvalue)])
for x, df in cases["chi2Sf"]:
    out["chi2Sf"].append(float(stats.chi2.sf(x, df)))
for n, x in cases["kstwoSf"]:
    out["kstwoSf"].append(float(stats.kstwo.sf(x, n)))
for a, x in cases["gammaincc"]:
    out["gammaincc"].append(float(special.gammaincc(a, x)))
json.dump(out, sys.stdout)
