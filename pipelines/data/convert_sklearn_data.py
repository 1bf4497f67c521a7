#!/usr/bin/env python3
"""Converts the scikit-learn sample data sets shipped by Debian's python3-sklearn into plain CSV files.

Reproducible: the output depends only on the Debian package's files. Standard library only.
Run from anywhere: python3 pipelines/data/convert_sklearn_data.py [--sklearn-datasets DIR]
"""

import argparse
import csv
import gzip
import re
from pathlib import Path

DEBIAN_SKLEARN_DATASETS = Path("/usr/lib/python3/dist-packages/sklearn/datasets")
OUTPUT = Path(__file__).resolve().parent


def breast_cancer_feature_names(descr: Path) -> list[str]:
    """The 30 feature names as sklearn's load_breast_cancer spells them ("mean radius", "radius error",
    "worst radius"), derived from the summary-statistics table of the data set's description."""
    statistic_word = {"mean": "mean {}", "standard error": "{} error", "worst": "worst {}"}
    rows = re.findall(r"^\s*([a-z ]+?) \((mean|standard error|worst)\):", descr.read_text(), re.MULTILINE)
    names = [statistic_word[statistic].format(feature) for feature, statistic in rows]
    if len(names) != 30:
        raise SystemExit(f"expected 30 feature names in {descr}, found {len(names)}")
    return names


def convert_breast_cancer(datasets: Path) -> None:
    with open(datasets / "data" / "breast_cancer.csv", newline="") as source:
        rows = csv.reader(source)
        # sklearn's own header: row count, feature count, then the class names by target value.
        row_count, feature_count, *class_names = next(rows)
        features = breast_cancer_feature_names(datasets / "descr" / "breast_cancer.rst")
        if int(feature_count) != len(features):
            raise SystemExit(f"breast_cancer.csv declares {feature_count} features, the description {len(features)}")
        records = [row[:-1] + [class_names[int(row[-1])]] for row in rows]
    if len(records) != int(row_count):
        raise SystemExit(f"breast_cancer.csv declares {row_count} rows but holds {len(records)}")
    write("breast_cancer.csv", features + ["diagnosis"], records)


def convert_digits(datasets: Path) -> None:
    header = [f"pixel_{row}_{column}" for row in range(8) for column in range(8)] + ["digit"]
    with gzip.open(datasets / "data" / "digits.csv.gz", "rt", newline="") as source:
        records = [[str(int(float(value))) for value in row] for row in csv.reader(source) if row]
    if any(len(record) != len(header) for record in records):
        raise SystemExit("digits.csv.gz: every row must hold 64 pixels and a label")
    write("digits.csv", header, records)


def convert_diabetes(datasets: Path) -> None:
    with gzip.open(datasets / "data" / "diabetes_data_raw.csv.gz", "rt") as source:
        data = [line.split() for line in source if line.strip()]
    with gzip.open(datasets / "data" / "diabetes_target.csv.gz", "rt") as source:
        # The targets are whole numbers written as floats (1.51e+02).
        targets = [format_number(float(line)) for line in source if line.strip()]
    if len(data) != len(targets):
        raise SystemExit(f"diabetes: {len(data)} data rows but {len(targets)} targets")
    header = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "progression"]
    write("diabetes.csv", header, [row + [target] for row, target in zip(data, targets)])


def format_number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def write(name: str, header: list[str], records: list[list[str]]) -> None:
    with open(OUTPUT / name, "w", newline="") as target:
        writer = csv.writer(target, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(records)
    print(f"{name}: {len(records)} rows, {len(header)} columns")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sklearn-datasets", type=Path, default=DEBIAN_SKLEARN_DATASETS,
                        help="sklearn's datasets folder (default: Debian's python3-sklearn)")
    datasets = parser.parse_args().sklearn_datasets
    convert_breast_cancer(datasets)
    convert_digits(datasets)
    convert_diabetes(datasets)


if __name__ == "__main__":
    main()
