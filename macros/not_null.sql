{% macro default__not_null(column, missing_values) %}
count(*) AS row_count,
count_if({{ column }} is null{% for v in missing_values %} or {{ column }} = {{ literal(v) }}{% endfor %}) AS failing_count
{% endmacro %}
