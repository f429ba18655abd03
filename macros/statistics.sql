{# Column statistics over finite values (NULL, NaN and +-inf excluded). #}
{# mean: n and sd too, the sampling noise an anomaly test on the mean accounts for #}
{% macro default__mean(column, is_float) %}avg({{ finite(column, is_float) }}) AS value, count({{ finite(column, is_float) }}) AS n, stddev_samp({{ finite(column, is_float) }}) AS sd{% endmacro %}
{% macro spark__mean(column, is_float) %}avg({{ finite_double(column, is_float) }}) AS value, count({{ finite(column, is_float) }}) AS n, stddev_samp({{ finite_double(column, is_float) }}) AS sd{% endmacro %}
{% macro default__stddev(column, is_float) %}stddev_samp({{ finite(column, is_float) }}) AS value{% endmacro %}
{% macro default__min(column, is_float) %}min({{ finite(column, is_float) }}) AS value{% endmacro %}
{% macro default__max(column, is_float) %}max({{ finite(column, is_float) }}) AS value{% endmacro %}

{% macro default__quantile(column, q, is_float) %}quantile_cont({{ finite_double(column, is_float) }}, {{ literal(q) }}) AS value{% endmacro %}
{% macro postgres__quantile(column, q, is_float) %}percentile_cont({{ literal(q) }}) within group (order by {{ finite(column, is_float) }}) AS value{% endmacro %}
{% macro spark__quantile(column, q, is_float) %}percentile({{ finite(column, is_float) }}, {{ literal(q) }}) AS value{% endmacro %}

{% macro default__distinct_count(column) %}count(distinct {{ column }}) AS value{% endmacro %}
{% macro default__distinct_share(column) %}count(distinct {{ column }}) AS distinct_count, count({{ column }}) AS non_null_count{% endmacro %}

{% macro default__length(column, min, max) %}
count(*) AS row_count,
count_if({{ column }} is not null and ({% if min is not none %}length({{ column }}) < {{ literal(min) }}{% else %}false{% endif %} or {% if max is not none %}length({{ column }}) > {{ literal(max) }}{% else %}false{% endif %})) AS failing_count,
min(length({{ column }})) AS min_length,
max(length({{ column }})) AS max_length
{% endmacro %}

{% macro default__nonfinite_share(column, is_float) %}
count(*) AS row_count,
{% if is_float %}count_if({{ is_nonfinite(column) }}){% else %}0{% endif %} AS failing_count
{% endmacro %}
