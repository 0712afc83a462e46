"""The case model: gradient boosting over network features and rule hits, calibrated.

`CaseModel` follows scikit-learn (`fit` returns self, learned state ends in `_`). Every
prediction comes with reasons in words: for each feature, how much the probability
drops when that feature is set back to its typical value among cleared networks
(a local, model-agnostic contribution), the largest first. A saved model is a joblib
file plus a model card JSON next to it (features, training data, held-out metrics,
scikit-learn version); loading refuses a different scikit-learn major.minor.

The default model is not shipped as a pickle (which only loads under the scikit-learn
that wrote it): the package ships its training matrix, `default_training.json`
(features and labels of candidate networks in generated worlds with seeds below 100,
written by `python -m fiu.detect.train_default`), and `default_model()` fits it on
first use with a fixed random_state, once per process. Its card records the sha256 of
that file and the scikit-learn version that fitted it.
"""
from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import FiuError

DEFAULT_TRAINING = Path(__file__).with_name("default_training.json")
TRAINING_FORMAT = 1


def card_path(model_path: str | Path) -> Path:
    """The model card next to a saved model: `x.joblib` → `x.card.json`."""
    p = Path(model_path)
    return p.with_name(p.name.removesuffix(".joblib") + ".card.json")


def _one_thread() -> Any:
    """Limit OpenMP/BLAS to one thread: the matrices are small, and on a shared machine
    HistGradientBoosting's thread pool spins (measured: 26 s instead of 0.4 s a fit)."""
    import sklearn.ensemble  # noqa: F401 - load the OpenMP runtime first, so the limit reaches it
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _sklearn_version() -> str:
    import sklearn

    return sklearn.__version__


def _major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


class CaseModel:
    """Probability that a candidate network is a trafficking operation.

    Parameters are stored as given; `fit(X, y)` learns `feature_names_`, `baseline_`,
    `estimator_` (calibrated with `CalibratedClassifierCV` when each class has at least
    `3 * cv` examples), `importances_` (when ranking features), `version_` and `card_`.
    """

    def __init__(
        self,
        max_iter: int = 150,
        learning_rate: float = 0.08,
        max_depth: int = 3,
        cv: int = 3,
        random_state: int = 0,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.cv = cv
        self.random_state = random_state

    def _booster(self) -> Any:
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_depth=self.max_depth,
            min_samples_leaf=5,
            l2_regularization=1.0,
            random_state=self.random_state,
        )

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        return X.reindex(columns=self.feature_names_).to_numpy(dtype=float)

    def fit(self, X: pd.DataFrame, y: Sequence[int], training_data: dict[str, Any] | None = None,
            rank_features: bool = True) -> "CaseModel":
        """Fit on one row per candidate network (`X`) and its label (1 trafficking, 0 cleared).

        `rank_features` adds the card's `top_features` (permutation importances: a third
        fit and most of the time on a small training set)."""
        with _one_thread():
            return self._fit(X, y, training_data, rank_features)

    def _fit(self, X: pd.DataFrame, y: Sequence[int], training_data: dict[str, Any] | None,
             rank_features: bool) -> "CaseModel":
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
        from sklearn.model_selection import train_test_split

        y_arr = np.asarray(y, dtype=int)
        if len(set(y_arr.tolist())) < 2:
            raise FiuError("the case model needs labelled examples of both classes (1 and 0)")
        self.feature_names_ = list(X.columns)
        M = self._matrix(X)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            self.baseline_ = np.nanmedian(M[y_arr == 0], axis=0)
        metrics: dict[str, Any] = {}
        counts = np.bincount(y_arr, minlength=2)
        if counts.min() >= 6:
            X_tr, X_te, y_tr, y_te = train_test_split(
                M, y_arr, test_size=0.3, stratify=y_arr, random_state=self.random_state
            )
            held = self._estimator(CalibratedClassifierCV, y_tr).fit(X_tr, y_tr)
            p = held.predict_proba(X_te)[:, 1]
            metrics = {
                "held_out_examples": int(len(y_te)),
                "roc_auc": round(float(roc_auc_score(y_te, p)), 4),
                "average_precision": round(float(average_precision_score(y_te, p)), 4),
                "brier": round(float(brier_score_loss(y_te, p)), 4),
                "precision_at_0.5": round(float(((p >= 0.5) & (y_te == 1)).sum() / max((p >= 0.5).sum(), 1)), 4),
                "recall_at_0.5": round(float(((p >= 0.5) & (y_te == 1)).sum() / max((y_te == 1).sum(), 1)), 4),
            }
        self.estimator_ = self._estimator(CalibratedClassifierCV, y_arr).fit(M, y_arr)
        if rank_features:
            self.importances_ = self._importances(self._booster().fit(M, y_arr), M, y_arr)
        digest = hashlib.sha256(M.tobytes() + y_arr.tobytes() + repr(self.get_params()).encode())
        self.version_ = "case-model-" + digest.hexdigest()[:12]
        self.card_ = {
            "model": "CaseModel",
            "version": self.version_,
            "estimator": "HistGradientBoostingClassifier"
            + (" + CalibratedClassifierCV(sigmoid)" if self.calibrated_ else ""),
            "params": self.get_params(),
            "sklearn_version": _sklearn_version(),
            "features": self.feature_names_,
            "training_data": {
                "examples": int(len(y_arr)),
                "positives": int(counts[1]),
                "negatives": int(counts[0]),
                **(training_data or {}),
            },
            "held_out_metrics": metrics,
            "metrics": metrics,
        }
        if rank_features:
            self.card_["top_features"] = [
                name for name, _ in sorted(
                    zip(self.feature_names_, self.importances_), key=lambda kv: -kv[1]
                )[:15]
            ]
        return self

    def _estimator(self, calibrated_cls: Any, y: np.ndarray) -> Any:
        counts = np.bincount(y, minlength=2)
        self.calibrated_ = bool(counts.min() >= 3 * self.cv)
        if self.calibrated_:
            return calibrated_cls(self._booster(), cv=self.cv, method="sigmoid")
        return self._booster()

    def _importances(self, plain: Any, M: np.ndarray, y: np.ndarray) -> np.ndarray:
        from sklearn.inspection import permutation_importance

        r = permutation_importance(plain, M, y, n_repeats=3, random_state=self.random_state,
                                   scoring="roc_auc")
        imp = np.clip(r.importances_mean, 0, None)
        return imp / imp.sum() if imp.sum() > 0 else imp

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {
            "max_iter": self.max_iter, "learning_rate": self.learning_rate,
            "max_depth": self.max_depth, "cv": self.cv, "random_state": self.random_state,
        }

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities, shape (n, 2); column 1 is the trafficking probability."""
        if len(X) == 0:
            return np.zeros((0, 2))
        with _one_thread():
            return self.estimator_.predict_proba(self._matrix(X))

    def reasons(self, X: pd.DataFrame, top: int = 3) -> list[list[str]]:
        """Top reasons per row, in words: `night_card_share=0.62 raised the score`.

        A feature's contribution is the drop in probability when it alone is set to its
        typical value among cleared networks.
        """
        if len(X) == 0:
            return []
        with _one_thread():
            return self._reasons(self._matrix(X), top)

    def _reasons(self, M: np.ndarray, top: int) -> list[list[str]]:
        base = self.estimator_.predict_proba(M)[:, 1]
        contrib = np.zeros_like(M)
        for j in range(M.shape[1]):
            if np.allclose(M[:, j], self.baseline_[j], equal_nan=True):
                continue
            alt = M.copy()
            alt[:, j] = self.baseline_[j]
            contrib[:, j] = base - self.estimator_.predict_proba(alt)[:, 1]
        out = []
        for i in range(M.shape[0]):
            order = np.argsort(-np.abs(contrib[i]), kind="stable")
            words = []
            for j in order[:top]:
                if abs(contrib[i, j]) < 1e-3:
                    break
                name, v = self.feature_names_[j], M[i, j]
                shown = "missing" if np.isnan(v) else (f"{v:.2f}".rstrip("0").rstrip("."))
                verb = "raised" if contrib[i, j] > 0 else "lowered"
                words.append(f"{name}={shown} {verb} the score by {abs(contrib[i, j]):.2f}")
            out.append(words or ["no single feature stands out"])
        return out

    # --- persistence ------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the model (joblib) and its card (`<name>.card.json`); returns the card path."""
        import joblib

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"model": self, "sklearn_version": _sklearn_version()}, path, compress=3)
        card = card_path(path)
        card.write_text(json.dumps(self.card_, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return card

    @classmethod
    def load(cls, path: str | Path) -> "CaseModel":
        """Read a saved model; fails clearly when scikit-learn's major.minor differs."""
        import joblib

        path = Path(path)
        if not path.exists():
            raise FiuError(f"{path}: no such model file")
        card = card_path(path)
        saved = None
        if card.exists():
            saved = json.loads(card.read_text(encoding="utf-8")).get("sklearn_version")
        now = _sklearn_version()
        if saved and _major_minor(saved) != _major_minor(now):
            raise FiuError(
                f"{path}: model was saved with scikit-learn {saved}, this is {now}; "
                f"install scikit-learn=={_major_minor(saved)}.* or retrain with `fiu train`"
            )
        bundle = joblib.load(path)
        model = bundle["model"] if isinstance(bundle, dict) else bundle
        saved = bundle.get("sklearn_version") if isinstance(bundle, dict) else saved
        if saved and _major_minor(saved) != _major_minor(now):
            raise FiuError(
                f"{path}: model was saved with scikit-learn {saved}, this is {now}; "
                "retrain with `fiu train`"
            )
        if not isinstance(model, CaseModel):
            raise FiuError(f"{path}: not a fiu case model")
        return model


def write_training_matrix(X: pd.DataFrame, y: Sequence[int], meta: dict[str, Any],
                          path: str | Path = DEFAULT_TRAINING) -> Path:
    """Save a training matrix (features, labels, where they came from) as compact JSON."""
    M = X.to_numpy(dtype=float)
    rows = [[None if np.isnan(v) else float(f"{v:.6g}") for v in row] for row in M]
    doc = {
        "format": TRAINING_FORMAT,
        **meta,
        "features": list(X.columns),
        "index": [str(i) for i in X.index],
        "labels": [int(v) for v in y],
        "rows": rows,
    }
    path = Path(path)
    text = json.dumps(doc, separators=(",", ":"), sort_keys=True)
    path.write_text(text.replace('],[', '],\n[') + "\n", encoding="utf-8")
    return path


def read_training_matrix(path: str | Path = DEFAULT_TRAINING) -> tuple[pd.DataFrame, np.ndarray, dict[str, Any]]:
    """(X, y, meta) of a training matrix file; meta gains `sha256` of the file."""
    path = Path(path)
    raw = path.read_bytes()
    doc = json.loads(raw)
    if doc.get("format") != TRAINING_FORMAT:
        raise FiuError(f"{path}: training matrix format {doc.get('format')!r} is not {TRAINING_FORMAT}")
    X = pd.DataFrame(
        np.array([[np.nan if v is None else v for v in row] for row in doc["rows"]], dtype=float)
        .reshape(len(doc["rows"]), len(doc["features"])),
        columns=doc["features"], index=doc["index"],
    )
    y = np.asarray(doc["labels"], dtype=int)
    meta = {k: v for k, v in doc.items() if k not in ("rows", "labels", "features", "index")}
    meta["sha256"] = hashlib.sha256(raw).hexdigest()
    return X, y, meta


_DEFAULT: dict[str, CaseModel] = {}


def default_model() -> CaseModel | None:
    """The default model, fitted on the shipped training matrix on first use (then cached
    in-process); None when the matrix is absent."""
    if not DEFAULT_TRAINING.exists():
        return None
    key = str(DEFAULT_TRAINING.stat().st_mtime_ns)
    if key not in _DEFAULT:
        X, y, meta = read_training_matrix(DEFAULT_TRAINING)
        meta = {**meta, "file": DEFAULT_TRAINING.name}
        _DEFAULT.clear()
        # Its card goes into no file, only its version and metrics into the manifest.
        _DEFAULT[key] = CaseModel().fit(X, y, training_data=meta, rank_features=False)
    return _DEFAULT[key]
