{#
  Dialects sqlmon compiles for without executing (`sqlmon compile --dialect ...`): Snowflake,
  BigQuery, Trino, Databricks. Each macro here replaces a construct sqlglot does not translate
  into valid SQL for that engine (checked against the engines' documentation; golden files in
  tests/golden/compile/ catch regressions). Written in each engine's own dialect.
#}

{# --- finite values and non-finite tests ------------------------------------------------ #}
{% macro snowflake__finite(column, is_float) %}{% if is_float %}case when {{ column }} not in ('NaN'::float, 'inf'::float, '-inf'::float) then {{ column }} end{% else %}{{ column }}{% endif %}{% endmacro %}
{% macro bigquery__finite(column, is_float) %}{% if is_float %}case when not is_nan({{ column }}) and not is_inf({{ column }}) then {{ column }} end{% else %}{{ column }}{% endif %}{% endmacro %}
{% macro trino__finite(column, is_float) %}{% if is_float %}case when is_finite({{ column }}) then {{ column }} end{% else %}{{ column }}{% endif %}{% endmacro %}
{% macro databricks__finite(column, is_float) %}{% if is_float %}case when not isnan({{ column }}) and abs({{ column }}) <> double('inf') then {{ column }} end{% else %}{{ column }}{% endif %}{% endmacro %}

{% macro snowflake__is_nonfinite(column) %}({{ column }} in ('NaN'::float, 'inf'::float, '-inf'::float)){% endmacro %}
{% macro bigquery__is_nonfinite(column) %}(is_nan({{ column }}) or is_inf({{ column }})){% endmacro %}
{% macro trino__is_nonfinite(column) %}(not is_finite({{ column }})){% endmacro %}
{% macro databricks__is_nonfinite(column) %}(isnan({{ column }}) or abs({{ column }}) = double('inf')){% endmacro %}

{# --- quantiles ---------------------------------------------------------------------------- #}
{% macro snowflake__quantile(column, q, is_float) %}percentile_cont({{ literal(q) }}) within group (order by {{ finite(column, is_float) }}) AS value{% endmacro %}
{% macro bigquery__quantile(column, q, is_float) %}approx_quantiles({{ finite(column, is_float) }}, 1000)[offset({{ (q * 1000) | round | int }})] AS value{% endmacro %}
{% macro trino__quantile(column, q, is_float) %}approx_percentile({{ finite(column, is_float) }}, {{ literal(q) }}) AS value{% endmacro %}
{% macro databricks__quantile(column, q, is_float) %}percentile({{ finite(column, is_float) }}, {{ literal(q) }}) AS value{% endmacro %}

{# --- regex: search semantics (Snowflake's REGEXP_LIKE matches the whole string) ----------- #}
{% macro snowflake__regex(column, pattern) %}
count(*) AS row_count,
sum(case when {{ column }} is not null and regexp_instr({{ column }}, {{ literal(pattern) }}) = 0 then 1 else 0 end) AS failing_count
{% endmacro %}
{% macro databricks__regex(column, pattern) %}
count(*) AS row_count,
sum(case when {{ column }} is not null and not ({{ column }} rlike {{ literal(pattern) }}) then 1 else 0 end) AS failing_count
{% endmacro %}

{# --- drift ------------------------------------------------------------------------------ #}
{% macro bigquery__drift_value(column, column_kind) %}{% if column_kind == 'timestamp' %}unix_seconds({{ column }}){% elif column_kind == 'date' %}unix_date({{ column }}) * 86400{% else %}{{ column }}{% endif %}{% endmacro %}

{% macro snowflake__numeric_quantiles(value, is_float, qs) %}
stddev_pop({{ finite(value, is_float) }}) AS std,
count(distinct {{ finite(value, is_float) }}) AS distinct_count,
array_construct({% for q in qs %}approx_percentile({{ finite(value, is_float) }}, {{ literal(q) }}){{ ", " if not loop.last }}{% endfor %}) AS quantiles
{% endmacro %}
{% macro bigquery__numeric_quantiles(value, is_float, qs) %}
stddev_pop({{ finite(value, is_float) }}) AS std,
count(distinct {{ finite(value, is_float) }}) AS distinct_count,
approx_quantiles({{ finite(value, is_float) }}, {{ qs | length + 1 }}) AS quantiles
{% endmacro %}
{% macro trino__numeric_quantiles(value, is_float, qs) %}
stddev_pop({{ finite(value, is_float) }}) AS std,
count(distinct {{ finite(value, is_float) }}) AS distinct_count,
approx_percentile({{ finite(value, is_float) }}, array[{{ literal(qs) }}]) AS quantiles
{% endmacro %}
{% macro databricks__numeric_quantiles(value, is_float, qs) %}
stddev_pop({{ finite(value, is_float) }}) AS std,
count(distinct {{ finite(value, is_float) }}) AS distinct_count,
percentile_approx({{ finite(value, is_float) }}, array({{ literal(qs) }}), 10000) AS quantiles
{% endmacro %}

{% macro snowflake__nonfinite_counts(value) %}
count_if({{ value }} = 'NaN'::float) AS nan,
count_if({{ value }} = 'inf'::float) AS posinf,
count_if({{ value }} = '-inf'::float) AS neginf
{% endmacro %}
{% macro trino__nonfinite_counts(value) %}
count_if(is_nan({{ value }})) AS nan,
count_if(is_infinite({{ value }}) and {{ value }} > 0) AS posinf,
count_if(is_infinite({{ value }}) and {{ value }} < 0) AS neginf
{% endmacro %}
{% macro bigquery__nonfinite_counts(value) %}
countif(is_nan({{ value }})) AS nan,
countif(is_inf({{ value }}) and {{ value }} > 0) AS posinf,
countif(is_inf({{ value }}) and {{ value }} < 0) AS neginf
{% endmacro %}
{% macro databricks__nonfinite_counts(value) %}
count_if(isnan({{ value }})) AS nan,
count_if({{ value }} = double('inf')) AS posinf,
count_if({{ value }} = double('-inf')) AS neginf
{% endmacro %}
