{% macro default__accepted_values(column, values) %}
count(*) AS row_count,
sum(case when {{ column }} is not null and {{ column }} not in ({{ literal(values) }}) then 1 else 0 end) AS failing_count
{% endmacro %}
