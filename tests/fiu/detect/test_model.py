"""CaseModel: calibrated probabilities, reasons in words, save/load with a card."""
from __future__ import annotations

import json

import joblib
import numpy as np
import pandas as pd
import pytest

from fiu.detect.model import CaseModel, card_path
from fiu.errors import FiuError


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n = 120
    y = (np.arange(n) % 3 == 0).astype(int)
    X = pd.DataFrame({
        "night_card_share": np.where(y == 1, 0.6, 0.1) + rng.normal(0, 0.05, n),
        "network_size": rng.integers(1, 20, n).astype(float),
        "rule_score": np.where(y == 1, 0.9, 0.3) + rng.normal(0, 0.1, n),
    })
    return X, y


@pytest.fixture(scope="module")
def model(data):
    X, y = data
    return CaseModel(max_iter=40).fit(X, y, training_data={"source": "test"})


def test_fit_predicts_calibrated_probabilities(model, data):
    X, y = data
    p = model.predict_proba(X)[:, 1]
    assert model.calibrated_
    assert ((p >= 0.5) == (y == 1)).mean() > 0.95
    assert model.card_["held_out_metrics"]["roc_auc"] > 0.9


def test_reasons_name_features_in_words(model, data):
    X, _ = data
    reasons = model.reasons(X.iloc[[0]])
    assert reasons[0][0].startswith("night_card_share=") or reasons[0][0].startswith("rule_score=")
    assert "raised the score" in reasons[0][0]


def test_save_and_load_with_card(model, data, tmp_path):
    X, _ = data
    path = tmp_path / "m.joblib"
    card = model.save(path)
    assert card == card_path(path) and card.name == "m.card.json"
    meta = json.loads(card.read_text())
    assert meta["features"] == list(X.columns) and meta["sklearn_version"]
    again = CaseModel.load(path)
    assert np.allclose(again.predict_proba(X), model.predict_proba(X))


def test_load_refuses_another_sklearn_version(model, tmp_path):
    path = tmp_path / "m.joblib"
    model.save(path)
    card = json.loads(card_path(path).read_text())
    card["sklearn_version"] = "0.1.0"
    card_path(path).write_text(json.dumps(card))
    with pytest.raises(FiuError, match="scikit-learn 0.1.0"):
        CaseModel.load(path)


def test_fit_needs_both_classes(data):
    X, _ = data
    with pytest.raises(FiuError, match="both classes"):
        CaseModel().fit(X, np.ones(len(X), dtype=int))


def test_load_refuses_other_objects(tmp_path):
    path = tmp_path / "x.joblib"
    joblib.dump({"model": "nope"}, path)
    with pytest.raises(FiuError, match="not a fiu case model"):
        CaseModel.load(path)


def test_default_model_is_fitted_from_the_shipped_training_matrix():
    import sklearn

    from fiu.detect.model import DEFAULT_TRAINING, default_model, read_training_matrix

    assert DEFAULT_TRAINING.exists(), "run python -m fiu.detect.train_default"
    X, y, meta = read_training_matrix(DEFAULT_TRAINING)
    model = default_model()
    assert model is default_model()  # fitted once per process
    card = model.card_
    assert card["sklearn_version"] == sklearn.__version__
    assert card["training_data"]["sha256"] == meta["sha256"]
    assert card["training_data"]["seeds"] and max(card["training_data"]["seeds"]) < 100
    assert card["features"] == list(X.columns) and set(y.tolist()) == {0, 1}
    assert card["metrics"]["roc_auc"] > 0.9


def test_training_matrix_round_trips(data, tmp_path):
    from fiu.detect.model import read_training_matrix, write_training_matrix

    X, y = data
    X = X.copy()
    X.iloc[0, 0] = np.nan
    path = write_training_matrix(X, y, {"seeds": [1]}, tmp_path / "m.json")
    X2, y2, meta = read_training_matrix(path)
    assert np.allclose(X2.to_numpy(), X.to_numpy(), equal_nan=True, rtol=1e-5)
    assert (y2 == y).all() and meta["seeds"] == [1] and len(meta["sha256"]) == 64
