{# Drift: the value a column is binned on, the reference profile, and the bin of each row. #}

{# Timestamps and dates drift as numbers (seconds since the epoch). #}
{% macro default__drift_value(column, column_kind) %}{% if column_kind in ('timestamp', 'date') %}epoch({{ column }}){% else %}{{ column }}{% endif %}{% endmacro %}
{% macro postgres__drift_value(column, column_kind) %}{% if column_kind in ('timestamp', 'date') %}extract(epoch from {{ column }}){% else %}{{ column }}{% endif %}{% endmacro %}
{# Spark: unix_timestamp() drops the microseconds that epoch() and extract(epoch) keep; a cast to
   DOUBLE is microseconds / 1e6 like DuckDB's epoch(), and (unlike unix_micros, which sqlglot
   writes as DuckDB's EPOCH_US when this value is nested in a default__ macro) survives the trip
   through the DuckDB dialect. #}
{% macro spark__drift_value(column, column_kind) %}{% if column_kind == 'timestamp' %}cast({{ column }} as double){% elif column_kind == 'date' %}unix_timestamp({{ column }}){% else %}{{ column }}{% endif %}{% endmacro %}

{# Reference profile of a numeric column, in two parts read in the same round. Over all the
   reference's finite values: count, min, max (cheap aggregates, fused with the others). #}
{% macro default__numeric_profile(value, is_float) %}
count({{ finite(value, is_float) }}) AS n,
min({{ finite(value, is_float) }}) AS vmin,
max({{ finite(value, is_float) }}) AS vmax
{% endmacro %}

{# Over the profile sample (see profile_sample): the std (it scales Wasserstein; STDDEV_POP over
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

{# The rows the quantiles are read from: a clause appended to `select * from <reference>`.
   Empty (the default): every row, exact quantiles. DuckDB: a fixed-size reservoir sample with a
   fixed seed -- the same rows on every run (measured: identical over repeated runs, 2 threads,
   under load), all rows when the reference is smaller, and 20x cheaper than exact quantiles of
   5M rows (benchmarks/README.md). Edges only need to be deterministic, not exact: both windows
   are counted exactly on them. #}
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

{# Bin index of a numeric value: NULL -1, NaN -2, +inf -3, -inf -4 first (else they fall in the
   last bin), then bin = number of edges strictly below the value (right-closed bins), found by a
   balanced binary search (log2(bins) comparisons per row instead of up to `bins`). #}
{% macro default__numeric_bin(value, edges, is_float) %}
case when {{ value }} is null then -1
{% if is_float %}{{ nonfinite_bins(value) }}{% endif %}
  else {{ bin_search(value, edges, 0, edges | length) }} end
{% endmacro %}

{# Bins lo..hi: the value is in bin <= mid exactly when it is <= edges[mid]. #}
{% macro bin_search(value, edges, lo, hi) %}{% if lo == hi %}{{ lo }}{% else %}{% set mid = (lo + hi) // 2 %}case when {{ value }} <= {{ literal(edges[mid]) }} then {{ bin_search(value, edges, lo, mid) }} else {{ bin_search(value, edges, mid + 1, hi) }} end{% endif %}{% endmacro %}

{# PostgreSQL bisects natively: width_bucket(v, t[]) counts thresholds <= v; on negated, reversed
   edges that is the count of edges >= v, so #edges < v = len - width_bucket(-v, -reversed). #}
{% macro postgres__numeric_bin(value, edges, is_float) %}
case when {{ value }} is null then -1
{% if is_float %}{{ nonfinite_bins(value) }}{% endif %}
  else {{ edges | length }} - width_bucket(-({{ value }}), array[{% for e in edges | reverse %}{{ literal(-e) }}{{ ", " if not loop.last }}{% endfor %}]::float8[]) end
{% endmacro %}

{% macro default__nonfinite_bins(value) %}
  when isnan({{ value }}) then -2
  when isinf({{ value }}) and {{ value }} > 0 then -3
  when isinf({{ value }}) then -4
{% endmacro %}
{% macro postgres__nonfinite_bins(value) %}
  when {{ value }} = 'NaN'::float8 then -2
  when {{ value }} = 'Infinity'::float8 then -3
  when {{ value }} = '-Infinity'::float8 then -4
{% endmacro %}
{% macro spark__nonfinite_bins(value) %}
  when isnan({{ value }}) then -2
  when {{ value }} = double('inf') then -3
  when {{ value }} = double('-inf') then -4
{% endmacro %}

{# Per bin: rows and the sum of the finite values (bin means give Wasserstein). #}
{% macro default__bin_measures(value, is_float) %}
count(*) AS n,
sum({{ finite(value, is_float) }}) AS s
{% endmacro %}
