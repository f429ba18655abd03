{# Search semantics: a value passes when the pattern matches anywhere (anchor with ^...$). #}
{% macro default__regex(column, pattern) %}
count(*) AS row_count,
count_if({{ column }} is not null and not regexp_matches({{ column }}, {{ literal(pattern) }})) AS failing_count
{% endmacro %}
{% macro postgres__regex(column, pattern) %}
count(*) AS row_count,
sum(case when {{ column }} is not null and not ({{ column }} ~ {{ literal(pattern) }}) then 1 else 0 end) AS failing_count
{% endmacro %}
{% macro spark__regex(column, pattern) %}
count(*) AS row_count,
sum(case when {{ column }} is not null and not ({{ column }} rlike {{ literal(pattern) }}) then 1 else 0 end) AS failing_count
{% endmacro %}
