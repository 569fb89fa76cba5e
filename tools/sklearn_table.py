#!/usr/bin/python3
"""Writes one of scikit-learn's bundled tables (Debian python3-sklearn, no download) as a CSV with
a header of its feature names and the target as text labels, for `scidl automl`:

    tools/sklearn_table.py breast_cancer OUT.csv   # 569 rows, 30 features, malignant / benign
    tools/sklearn_table.py wine OUT.csv            # 178 rows, 13 features, class_0 .. class_2

scikit-learn ships these as CSV files whose first line is "rows,features,class names", which no
table reader takes for a header; this names the columns as load_breast_cancer() does.
"""
import csv
import sys

from sklearn import datasets

LOADERS = {"breast_cancer": datasets.load_breast_cancer, "wine": datasets.load_wine}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in LOADERS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(LOADERS)}}} OUT.csv")
    data = LOADERS[sys.argv[1]]()
    with open(sys.argv[2], "w", newline="") as f:
        out = csv.writer(f)
        out.writerow([name.replace(" ", "_") for name in data.feature_names] + ["diagnosis" if sys.argv[1] == "breast_cancer" else "cultivar"])
        for row, label in zip(data.data, data.target):
            out.writerow([repr(float(v)) for v in row] + [data.target_names[label]])


if __name__ == "__main__":
    main()
