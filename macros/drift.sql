{# Drift: the value a column is binned on, the reference profile, and the bin of each row. #}

{# Timestamps and dates drift as numbers (seconds since the epoch). #}
{% macro default__drift_value(column, column_kind) %}{% if column_kind in ('timestamp', 'date') %}epoch({{ column }}){% else %}{{ column }}{% endif %}{% endmacro %}
{% macro postgres__drift_value(column, column_kind) %}{% if column_kind in ('timestamp', 'date') %}extract(epoch from {{ column }}){% else %}{{ column }}{% endif %}{% endmacro %}
{# Spark: unix_timestamp() drops the microseconds that epoch() and extract(epoch) keep; a cast to
   DOUBLE is microseconds / 1e6 like DuckDB's epoch(), and (unlike unix_micros, which sqlglot
   writes as DuckDB's EPOCH_US when this value is nested in a default__ macro) survives the trip
   through the DuckDB dialect. #}
{% macro spark__drift_value(column, column_kind) %}{% if column_kind == 'timestamp' %}cast({{ column }} as double){% elif column_kind == 'date' %}unix_timestamp({{ column }}){% else %}{{ column }}{% endif %}{% endmacro %}

{# Reference profile of a numeric column, in two parts fused into one query over the profile
   sample (see profile_sample). The finite values' count, min and max, and the non-NULL values'
   count (more than n: the sample has NaN/+-inf, and numeric_cdf's tail sums need their exact
   form): #}
{% macro default__numeric_profile(value, is_float) %}
count({{ finite(value, is_float) }}) AS n,
count({{ value }}) AS nonnull,
min({{ finite(value, is_float) }}) AS vmin,
max({{ finite(value, is_float) }}) AS vmax
{% endmacro %}

{# The std (it scales Wasserstein; STDDEV_POP over
   all rows was 85% of the cost of the part above), the distinct count (a hint that only decides
   whether to list the values -- binning's exact coverage test decides discreteness -- so
   approximate: HyperLogLog is order-independent, hence the same on every run) and the quantiles on
   a grid of 5 x bins - 1 points -- every 5th is a bin edge, and a value repeated over several
   grid points is a point mass. #}
{% macro default__numeric_quantiles(value, is_float, qs) %}
stddev_pop({{ finite(value, is_float) }}) AS std,
approx_count_distinct({{ finite(value, is_float) }}) AS distinct_count,
quantile_cont({{ finite_double(value, is_float) }}, [{{ literal(qs) }}]) AS quantiles
{% endmacro %}
{# DuckDB: the same interpolated quantiles (quantile_cont's rule, equal to within a few ulps) from
   one sorted list: quantile_cont with a list of 99 points took 0.24 s for 12 columns of the
   100,000-row profile sample, this 0.14 s (benchmarks/README.md). Positions are 1-based; NULLs
   sort last, past the count(). The grid is one string cast to DOUBLE[] (repr round-trips
   exactly): as a list literal it was 3 x 99 nodes per column for sqlmon to parse, copy and
   spell on every run. #}
{% macro duckdb__numeric_quantiles(value, is_float, qs) %}
stddev_pop({{ finite(value, is_float) }}) AS std,
approx_count_distinct({{ finite(value, is_float) }}) AS distinct_count,
{% set v = finite_double(value, is_float) %}
{% set grid = "cast('[" ~ literal(qs) ~ "]' as double[])" %}
case when count({{ v }}) > 0 then list_transform(list_zip(
  list_select(list({{ v }} order by {{ v }}), list_transform({{ grid }}, lambda q: 1 + cast(floor(q * (count({{ v }}) - 1)) as bigint))),
  list_select(list({{ v }} order by {{ v }}), list_transform({{ grid }}, lambda q: 1 + cast(ceil(q * (count({{ v }}) - 1)) as bigint))),
  list_transform({{ grid }}, lambda q: q * (count({{ v }}) - 1) - floor(q * (count({{ v }}) - 1)))),
  lambda t: t[1] + (t[2] - t[1]) * t[3]) end AS quantiles
{% endmacro %}
{% macro postgres__numeric_quantiles(value, is_float, qs) %}
stddev_pop({{ finite(value, is_float) }}) AS std,
count(distinct {{ finite(value, is_float) }}) AS distinct_count,
percentile_cont(array[{{ literal(qs) }}]) within group (order by {{ finite(value, is_float) }}) AS quantiles
{% endmacro %}
{# Spark: approx_count_distinct, not count(distinct): with one DISTINCT aggregate in the query,
   Spark groups by the distinct value first and keeps a percentile_approx sketch per value --
   measured 285 s instead of 9 s on 1.5M reference rows (benchmarks/SPARK.md). #}
{% macro spark__numeric_quantiles(value, is_float, qs) %}
stddev_pop({{ finite(value, is_float) }}) AS std,
approx_count_distinct({{ finite(value, is_float) }}) AS distinct_count,
percentile_approx({{ finite(value, is_float) }}, array({{ literal(qs) }}), 10000) AS quantiles
{% endmacro %}

{# The reference rows of a numeric baseline (profile and reference histogram): a clause appended
   to `select * from <reference>`. Empty (the default): every row, exact quantiles. DuckDB: a
   fixed-size reservoir sample with a fixed seed -- the same rows on every run (measured:
   identical over repeated runs, 2 threads, under load), all rows when the reference is smaller,
   and 20x cheaper than exact quantiles of 5M rows (benchmarks/README.md). The drift test is then
   a two-sample test of that sample against the whole current window. #}
{% macro default__profile_sample(rows) %}{% endmacro %}
{% macro duckdb__profile_sample(rows) %}using sample reservoir({{ rows }} rows) repeatable (42){% endmacro %}

{# The most frequent finite values with their counts (detects discrete columns and point masses). #}
{% macro default__top_values(relation, value, is_float, limit) %}
select v AS value, n AS n
from (select {{ finite(value, is_float) }} AS v, count(*) AS n from {{ relation }}
      where {{ finite(value, is_float) }} is not null group by {{ finite(value, is_float) }}) AS sqlmon_values
order by n desc, v
limit {{ limit }}
{% endmacro %}

{# Counts per value (NULL included) of a categorical or boolean column, most frequent first,
   with the totals over all values even beyond the limit. #}
{% macro default__category_counts(relation, column, limit) %}
select v AS value, n AS n, sum(n) over () AS total, count(*) over () AS distinct_count,
       sum(case when n = 1 then 1 else 0 end) over () AS singletons
from (select {{ column }} AS v, count(*) AS n from {{ relation }} group by {{ column }}) AS sqlmon_values
order by n desc
limit {{ limit }}
{% endmacro %}

{# Histogram pass of a numeric value: scalar aggregates only, so the planner fuses them with every
   other test of the window into one scan. Rows, non-NULL values, NaN/+inf/-inf, then per edge the
   rows with value <= edge (cumulative: bin i = le_i - le_(i-1), one column each -- Spark ran an
   ARRAY of them slower; NaN is greater than every number
   in DuckDB, PostgreSQL and Spark, so it is never <= an edge, and -inf always is -- binning
   subtracts it) and the sums of the finite values in the two open-ended bins (Wasserstein's
   tails). One count_if per edge costs a third of a GROUP BY on a per-row CASE in DuckDB
   (benchmarks/README.md), and needs no bin search at all. An integer column gets its edges
   floored by the caller (x <= e is x <= floor(e) for an integer x): comparing with a DOUBLE
   literal cast every row, 19 times per column (measured 5x the cost of the count_ifs of that
   column at 10M rows). The tail sums are one CASE with ELSE 0 (a nested CASE yielding NULLs cost
   30% more in DuckDB) on the very comparison of the first and last count_if, which DuckDB then
   evaluates once for both (8% of the fused query). Even so the CASE cost 7x a count_if: with
   `assume_finite` (the caller saw no NaN/+-inf in the reference) and for integer columns, the
   tail sums are arithmetic, x * (x <= e) -- 0.60 -> 0.52 s for the fused query at 10M rows. NaN
   or inf in the window then turns them into NaN/inf (NaN * 0 is NaN); the caller sees the
   non-finite counts and asks again without `assume_finite` (drift_passes). #}
{% macro default__numeric_cdf(value, edges, is_float, assume_finite=false) %}
count(*) AS n_rows,
count({{ value }}) AS nonnull,
{% if is_float %}{{ nonfinite_counts(value) }},{% endif %}
{% if edges %}
{% for e in edges %}count_if({{ cdf_operand(value, is_float) }} <= {{ literal(e) }}) AS le_{{ loop.index0 }},
{% endfor %}
{% if is_float and not assume_finite %}
sum(case when {{ cdf_operand(value, is_float) }} <= {{ literal(edges[0]) }} and not {{ is_nonfinite(value) }} then {{ value }} else 0 end) AS low_sum,
sum(case when not ({{ cdf_operand(value, is_float) }} <= {{ literal(edges[-1]) }}) and not {{ is_nonfinite(value) }} then {{ value }} else 0 end) AS high_sum
{% else %}
sum({{ value }} * cast({{ cdf_operand(value, is_float) }} <= {{ literal(edges[0]) }} as int)) AS low_sum,
sum({{ value }} * cast(not ({{ cdf_operand(value, is_float) }} <= {{ literal(edges[-1]) }}) as int)) AS high_sum
{% endif %}
{% else %}
sum({{ finite(value, is_float) }}) AS low_sum,
sum({{ finite(value, is_float) }}) AS high_sum
{% endif %}
{% endmacro %}

{# What numeric_cdf compares with each edge. DuckDB: a NULL float as NaN, which is never <= an
   edge either -- count_if over a column with NULLs took 2.5x as long as over this COALESCE,
   which DuckDB computes once for all the column's edges (benchmarks/README.md). #}
{% macro default__cdf_operand(value, is_float) %}{{ value }}{% endmacro %}
{% macro duckdb__cdf_operand(value, is_float) %}{% if is_float %}coalesce({{ value }}, cast('nan' as double)){% else %}{{ value }}{% endif %}{% endmacro %}

{% macro default__nonfinite_counts(value) %}
count_if(isnan({{ value }})) AS nan,
count_if({{ value }} = cast('inf' as double)) AS posinf,
count_if({{ value }} = cast('-inf' as double)) AS neginf
{% endmacro %}
{% macro postgres__nonfinite_counts(value) %}
count_if({{ value }} = 'NaN'::float8) AS nan,
count_if({{ value }} = 'Infinity'::float8) AS posinf,
count_if({{ value }} = '-Infinity'::float8) AS neginf
{% endmacro %}
{% macro spark__nonfinite_counts(value) %}
count_if(isnan({{ value }})) AS nan,
count_if({{ value }} = double('inf')) AS posinf,
count_if({{ value }} = double('-inf')) AS neginf
{% endmacro %}

{# Counts per segment and value (`segments`: segment column names), most frequent first, for the
   per-segment histograms of a categorical drift test (on the overall reference's categories). #}
{% macro default__category_counts_by_segment(relation, column, segments, limit) %}
select {% for s in segments %}{{ identifier(s) }} AS g{{ loop.index0 }}, {% endfor %}{{ column }} AS value, count(*) AS n
from {{ relation }}
group by {% for s in segments %}{{ identifier(s) }}, {% endfor %}{{ column }}
order by n desc
limit {{ limit }}
{% endmacro %}
