"""The CSV tables in pandas: each city's population, and which activities it ranked first."""

import pandas as pd

base = "http://127.0.0.1:5000/dumps/"
profiles = pd.read_csv(base + "profiles.csv", dtype_backend="numpy_nullable")
answers = pd.read_csv(base + "answers.csv", dtype_backend="numpy_nullable")

print(profiles[["city_name", "wave", "population"]].to_string(index=False))
first = answers[answers["rank"] == 1].merge(profiles[["profile", "city_name"]], on="profile")
print(first[["city_name", "option_label"]].to_string(index=False))
