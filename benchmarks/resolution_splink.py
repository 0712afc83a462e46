"""Splink (DuckDB backend) on the benchmark's raw records, as its documentation sets it up.

`cluster(input_dir, out_path)` reads the same `accounts.parquet` and `osint.parquet`
that fiu reads, cleans them in DuckDB SQL the way Splink's feature-engineering guide
asks (lower case, accents and punctuation stripped, `Last, First` turned round, name
split into first name and surname, phone digits, e-mail lower case, legal suffixes
dropped from business names), then trains and predicts with Splink's own recipe:

- comparisons: `NameComparison` on first name and on surname (term-frequency adjusted),
  `DateOfBirthComparison`, `EmailComparison`, `PostcodeComparison`, Jaro-Winkler at 0.9
  on city (term-frequency adjusted), `ExactMatch` on region, on phone and on the street
  line, `ExactMatch` on the record's kind (person/business);
- blocking rules for prediction on phone, e-mail, first name + surname, surname + date
  of birth, street line + postcode, date of birth, and surname + city;
- `estimate_probability_two_random_records_match` from deterministic rules,
  `estimate_u_using_random_sampling`, then EM blocked on name and on date of birth;
- `predict`, then `cluster_pairwise_predictions_at_threshold` at 0.95, the threshold
  the Splink tutorials cluster at.

Splink is a benchmark dependency only (`pip install -e .[bench]`).
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa

CLUSTER_THRESHOLD = 0.95
PREDICT_THRESHOLD = 0.2

_HONORIFIC = r"^(mr|mrs|ms|miss|dr|prof|sir) "
_LEGAL = (
    r" (l l c|llc|inc|incorporated|corp|corporation|co|company|ltd|limited|lp|llp)$"
)


def _clean_sql(accounts: str, osint: str) -> str:
    """One SQL statement: both kinds as one table of cleaned columns Splink compares."""
    return f"""
    with raw as (
        select ref, case holder_type when 'business' then 'business' else 'person' end
                   as kind,
               holder_name as name, cast(date_of_birth as varchar) as dob,
               address, city, region, postal_code, phone, email
        from read_parquet('{accounts}')
        union all
        select ref, case entity_type when 'business' then 'business' else 'person' end,
               name, cast(date_of_birth as varchar), address, city, region, postal_code,
               phone, email
        from read_parquet('{osint}')
    ),
    folded as (
        select *,
            trim(regexp_replace(
                regexp_replace(lower(strip_accents(name)), '[^a-z0-9, ]', ' ', 'g'),
                ' +', ' ', 'g')) as n
        from raw
    ),
    ordered as (
        select *,
            case when kind = 'person' and contains(n, ',')
                 then trim(split_part(n, ',', 2)) || ' ' || trim(split_part(n, ',', 1))
                 else replace(n, ',', ' ') end as n2
        from folded
    ),
    named as (
        select *,
            case when kind = 'person'
                 then regexp_replace(trim(regexp_replace(n2, ' +', ' ', 'g')),
                                     '{_HONORIFIC}', '')
                 else regexp_replace(
                     regexp_replace(trim(regexp_replace(n2, ' +', ' ', 'g')),
                                    '^the ', ''),
                     '{_LEGAL}', '') end as full_name
        from ordered
    )
    select
        ref as unique_id,
        kind,
        case when kind = 'person' and contains(full_name, ' ')
             then string_split(full_name, ' ')[1] end as first_name,
        case when kind = 'person'
             then string_split(full_name, ' ')[-1] else full_name end as surname,
        nullif(dob, '') as dob,
        nullif(right(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), 10), '')
            as phone,
        nullif(lower(trim(email)), '') as email,
        nullif(upper(regexp_replace(coalesce(postal_code, ''), '[^0-9A-Za-z]', '', 'g')),
               '') as postcode,
        nullif(trim(regexp_replace(lower(strip_accents(coalesce(city, ''))), '[^a-z ]', ' ',
                                   'g')), '') as city,
        nullif(upper(trim(coalesce(region, ''))), '') as region,
        nullif(trim(regexp_replace(
            regexp_replace(lower(coalesce(address, '')), '[^a-z0-9 ]', ' ', 'g'),
            ' +', ' ', 'g')), '') as address_line
    from named
    """


def cluster(input_dir: Path, out_path: Path, seed: int = 7) -> dict[str, object]:
    """Cluster the records of `input_dir` with Splink; write `(ref, entity_id)` parquet."""
    import duckdb
    import pyarrow.parquet as pq
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    records = con.sql(
        _clean_sql(str(input_dir / "accounts.parquet"), str(input_dir / "osint.parquet"))
    ).arrow()
    if isinstance(records, pa.RecordBatchReader):
        records = records.read_all()
    db_api = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.EmailComparison("email"),
            cl.PostcodeComparison("postcode"),
            cl.JaroWinklerAtThresholds("city", [0.9]).configure(term_frequency_adjustments=True),
            cl.ExactMatch("region"),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            cl.ExactMatch("address_line").configure(term_frequency_adjustments=True),
            cl.ExactMatch("kind"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("phone"),
            block_on("email"),
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("address_line", "postcode"),
            block_on("dob"),
            block_on("surname", "city"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    table = db_api.register(records, table_name="records")
    linker = Linker(table, settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("email")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=PREDICT_THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=CLUSTER_THRESHOLD
    )
    result = con.sql(
        f"select unique_id as ref, cast(cluster_id as varchar) as entity_id "
        f"from {clusters.physical_name}"
    ).arrow()
    if isinstance(result, pa.RecordBatchReader):
        result = result.read_all()
    pq.write_table(result, out_path)
    pairs = con.execute(f"select count(*) from {predictions.physical_name}").fetchone()
    return {"pairs_scored_above_predict_threshold": int(pairs[0]) if pairs else 0}
