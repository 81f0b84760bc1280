"""Benchmarks of comity's ideal point estimators (see benchmarks/README.md, section "Ideal points").

Run: ``python benchmarks/bench_ideal.py [--skip-pscl]``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from comity.data import fetch
from comity.data._convert import unga_wide_2020, unvotes_tables
from comity.votes._ideal import DynamicIdealPoints, IdealPoints
from comity.votes._repeats import find_repeated_resolutions

HERE = Path(__file__).resolve().parent

# Rows of the 1946-2019 file without an ISO2 code; seats kept as the continuing state (BSV).
NULL_CODED = {
    "Federal Republic of Germany": "DEU",
    "Yemen Arab Republic": "YAR",
    "Zanzibar": "ZAN",
    "Yemen People's Republic": "YMD",
}
# ISO2 codes country_converter does not map to the ISO3 used by the BSV data.
ISO2_EXTRA = {"CS": "CSK", "DD": "DDR", "YU": "YUG", "SU": "RUS", "XK": "XKX", "YD": "YMD"}


def load_votes() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both vote files as one tidy table (rcid, iso3, vote, year, date) and the 1946-2019 roll calls."""
    import logging

    import country_converter as coco

    # coco logs each code it cannot map; the historical ones are mapped by ISO2_EXTRA below.
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    # The upstream files (comity.data: $COMITY_DATA mirror, the cache, or a hash-checked download).
    old_votes, old_calls, _ = (frame.reset_index(drop=True) for frame in unvotes_tables())
    codes = old_votes["country_code"].astype("string")
    unique = [c for c in codes.dropna().unique()]
    converted = coco.convert(unique, src="ISO2", to="ISO3", not_found=None)
    mapping = dict(zip(unique, converted, strict=True)) | ISO2_EXTRA
    iso3 = codes.map(mapping)
    iso3 = iso3.fillna(old_votes["country"].map(NULL_CODED))
    if iso3.isna().any():
        raise SystemExit(f"unmapped states: {sorted(old_votes.loc[iso3.isna(), 'country'].unique())}")
    old = pd.DataFrame(
        {"rcid": old_votes["rcid"].astype(str), "iso3": iso3.astype(str), "vote": old_votes["vote"]}
    )
    dates = old_calls.set_index(old_calls["rcid"].astype(str))["date"].astype(str)
    old["date"] = old["rcid"].map(dates)

    new_votes, new_calls = unga_wide_2020()
    new = new_votes.merge(new_calls[["rcid", "date"]], on="rcid")
    new = pd.DataFrame(
        {
            "rcid": new["rcid"].astype(str) + "-" + new["date"].astype(str),
            "iso3": new["iso3"],
            "vote": new["vote"],
            "date": new["date"].astype(str),
        }
    )
    votes = pd.concat([old, new], ignore_index=True)
    votes["year"] = votes["date"].str[:4].astype(int)
    return votes, old_calls


def hand_pairs() -> pd.DataFrame:
    pairs = pd.read_csv(fetch("bsv_matches"))
    return pd.DataFrame({"rcid1": pairs["rcid1"].astype(str), "rcid2": pairs["rcid2"].astype(str)})


def correlations(estimates: pd.DataFrame, reference: pd.DataFrame) -> tuple[float, float, int]:
    """Pooled Pearson r over state-years, mean within-year r, and the number of state-years matched."""
    merged = estimates.merge(reference, on=["iso3", "year"])
    pooled = float(np.corrcoef(merged["ideal"], merged["bsv"])[0, 1])
    within = merged.groupby("year")[["ideal", "bsv"]].corr().unstack().iloc[:, 1].mean()
    return pooled, float(within), len(merged)


def bench_repeats(roll_calls: pd.DataFrame) -> pd.DataFrame:
    print("\n== c. Repeated resolutions found from roll-call descriptions (1946-2019) ==")
    hand = hand_pairs()
    known = set(zip(hand["rcid1"], hand["rcid2"], strict=True))
    start = time.perf_counter()
    found = find_repeated_resolutions(roll_calls)
    seconds = time.perf_counter() - start
    found = found.assign(rcid1=found["rcid1"].astype(str), rcid2=found["rcid2"].astype(str))
    mine = set(zip(found["rcid1"], found["rcid2"], strict=True))
    hits = len(mine & known)
    print(f"pairs found: {len(found)} in {seconds:.2f} s (threshold 0.6, consecutive sessions)")
    print(f"hand-matched pairs recovered: {hits} of {len(known)} (recall {hits / len(known):.3f})")
    print(f"share of found pairs in the hand set (precision proxy): {hits / len(found):.3f}")
    for threshold in (0.5, 0.8, 0.9):
        other = find_repeated_resolutions(roll_calls, threshold=threshold)
        pairs = set(zip(other["rcid1"].astype(str), other["rcid2"].astype(str), strict=True))
        print(
            f"  threshold {threshold}: {len(pairs)} pairs, recall {len(pairs & known) / len(known):.3f}, "
            f"precision proxy {len(pairs & known) / len(pairs):.3f}"
        )
    return found[["rcid1", "rcid2"]]


def bench_pscl(votes: pd.DataFrame, roll_calls: pd.DataFrame) -> pd.Series | None:
    print("\n== a. pscl::ideal against comity IdealPoints, sessions 65-74 (2010-2019) ==")
    rcids = set(roll_calls.loc[roll_calls["session"].between(65, 74), "rcid"].astype(str))
    subset = votes[votes["rcid"].isin(rcids)]
    binary = subset[subset["vote"].isin(["yes", "no"])]
    print(f"{len(rcids)} roll calls, {subset['iso3'].nunique()} states, {len(binary)} yes/no votes")

    timings = {}
    estimates = {}
    for model, data in (("binary", binary), ("ordinal", subset)):
        # Best of three runs, as timeit does: the machine is shared, and the fit is deterministic.
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            fitted = IdealPoints(model=model).fit(data)
            runs.append(time.perf_counter() - start)
        timings[model] = min(runs)
        estimates[model] = fitted.ideal_points_.set_index("iso3")["ideal"]
        print(
            f"comity IdealPoints({model!r}): {timings[model]:.2f} s (best of "
            f"{', '.join(f'{run:.2f}' for run in runs)}), {fitted.n_iter_} rounds"
        )

    if shutil.which("Rscript") is None:
        print("Rscript not found: pscl part skipped (apt-get install r-base-core r-cran-pscl)")
        return None
    wide = binary.assign(code=(binary["vote"] == "yes").astype(int)).pivot(
        index="iso3", columns="rcid", values="code"
    )
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "votes.csv", Path(tmp) / "ideal.csv"
        wide.reset_index().to_csv(source, index=False, na_rep="")
        start = time.perf_counter()
        subprocess.run(
            ["Rscript", str(HERE / "pscl_ideal.R"), str(source), str(target)], check=True, capture_output=True
        )
        wall = time.perf_counter() - start
        pscl = pd.read_csv(target)
    inside = float(pscl["seconds"].iloc[0])
    reference = pscl.set_index("iso3")["ideal"]
    print(
        f"pscl::ideal (maxiter 10000, burnin 1000, thin 100): {inside:.1f} s in ideal(), "
        f"{wall:.1f} s with R start-up"
    )
    for model in ("binary", "ordinal"):
        common = reference.index.intersection(estimates[model].index)
        r = float(np.corrcoef(reference[common], estimates[model][common])[0, 1])
        print(
            f"comity {model}: r with pscl = {abs(r):.4f} (sign {'+' if r > 0 else '-'}, "
            f"{len(common)} states); time ratio pscl/comity = {inside / timings[model]:.0f}x (in-R time), "
            f"{wall / timings[model]:.0f}x (wall)"
        )
    return reference


def bench_dynamic(
    votes: pd.DataFrame,
    auto_pairs: pd.DataFrame,
    evolution_sd: float,
    static: bool,
    pscl: pd.Series | None = None,
) -> None:
    print("\n== b. Dynamic ideal points 1946-2024 against Bailey-Strezhnev-Voeten (July 2025) ==")
    bsv = pd.read_csv(fetch("bsv_idealpoints_jul2025"))
    bsv = bsv.dropna(subset=["idealpointall"])
    reference = pd.DataFrame(
        {"iso3": bsv["iso3c"], "year": bsv["year"].astype(int), "bsv": bsv["idealpointall"]}
    )
    print(f"{len(votes)} votes, {votes['rcid'].nunique()} roll calls, {votes['iso3'].nunique()} states")
    hand = hand_pairs()
    variants = {
        "hand pairs": hand,
        "hand + found pairs": pd.concat([hand, auto_pairs], ignore_index=True).drop_duplicates(),
    }
    for name, pairs in variants.items():
        start = time.perf_counter()
        fitted = DynamicIdealPoints(evolution_sd=evolution_sd).fit(votes, pairs)
        seconds = time.perf_counter() - start
        main_fit = fitted
        pooled, within, n = correlations(fitted.ideal_points_, reference)
        print(
            f"[{name}] evolution_sd={evolution_sd}: {seconds:.1f} s, {fitted.n_iter_} rounds, "
            f"converged={fitted.converged_}, {fitted.n_bridges_} bridges; "
            f"r with BSV pooled {pooled:.4f}, mean within-year {within:.4f} ({n} state-years)"
        )
    print("sensitivity (hand + found pairs):")
    for evolution, level in ((0.03, 1.0), (0.1, 1.0), (0.3, 1.0), (evolution_sd, None)):
        start = time.perf_counter()
        other = DynamicIdealPoints(evolution_sd=evolution, level_sd=level).fit(votes, pairs)
        seconds = time.perf_counter() - start
        pooled, within, _ = correlations(other.ideal_points_, reference)
        print(
            f"  evolution_sd={evolution}, level_sd={level}: {seconds:.1f} s, {other.n_iter_} rounds; "
            f"r with BSV pooled {pooled:.4f}, mean within-year {within:.4f}"
        )
    if pscl is not None:
        # pscl's one static fit of 2010-2019 against each state's mean dynamic position over those years.
        decade = main_fit.ideal_points_.query("2010 <= year <= 2019").groupby("iso3")["ideal"].mean()
        common = pscl.index.intersection(decade.index)
        r = float(np.corrcoef(pscl[common], decade[common])[0, 1])
        print(
            f"dynamic (hand + found), mean 2010-2019 per state: r with pscl = {r:.4f} ({len(common)} states)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"peak resident memory of this process so far: {peak:.2f} GiB")
    usa = main_fit.ideal_points_.query("iso3 == 'USA' and year >= 2016")
    print(
        "USA 2016-2024 (dynamic):",
        ", ".join(f"{y}: {v:.2f}" for y, v in zip(usa["year"], usa["ideal"], strict=True)),
    )
    if static:
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yearly = IdealPoints().fit_by_year(votes)
        seconds = time.perf_counter() - start
        pooled, within, n = correlations(yearly, reference)
        print(
            f"[static per year] {seconds:.1f} s for {yearly['year'].nunique()} years "
            f"({len(caught)} warnings); "
            f"r with BSV pooled {pooled:.4f}, mean within-year {within:.4f} ({n} state-years)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-pscl", action="store_true")
    parser.add_argument("--skip-static", action="store_true")
    parser.add_argument("--evolution-sd", type=float, default=DynamicIdealPoints().evolution_sd)
    args = parser.parse_args()
    print(
        f"comity ideal point benchmarks, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    votes, roll_calls = load_votes()
    auto_pairs = bench_repeats(roll_calls)
    pscl = None if args.skip_pscl else bench_pscl(votes, roll_calls)
    bench_dynamic(votes, auto_pairs, args.evolution_sd, static=not args.skip_static, pscl=pscl)


if __name__ == "__main__":
    main()
