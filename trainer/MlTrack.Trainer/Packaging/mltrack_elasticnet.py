"""Loads an MlTrack elastic-net model (model.json) as an MLflow python_function model.

MLflow adds this folder to sys.path and calls _load_pyfunc with the path of model.json, so that
`mlflow models serve -m runs:/<id>/model --env-manager local` and `mlflow.pyfunc.load_model` can use it.
"""
import json

import numpy as np
import pandas as pd


class ElasticNetModel:
    def __init__(self, spec):
        self.features = list(spec["features"])
        self.coefficients = np.asarray(spec["coefficients"], dtype=np.float64)
        self.intercept = float(spec["intercept"])

    def predict(self, model_input, params=None):
        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        missing = [name for name in self.features if name not in frame.columns]
        if missing:
            raise ValueError(f"Missing input columns: {missing}")
        values = frame[self.features].to_numpy(dtype=np.float64)
        return values @ self.coefficients + self.intercept


def _load_pyfunc(path):
    with open(path, encoding="utf-8") as f:
        return ElasticNetModel(json.load(f))
