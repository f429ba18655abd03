{% macro default__not_null(column, missing_values) %}
count(*) AS row_count,
sum(case when {{ column }} is null{% for v in missing_values %} or {{ column }} = {{ literal(v) }}{% endfor %} then 1 else 0 end) AS failing_count
{% endmacro %}
