{# Counted per distinct value, so the IN list is evaluated once per value, not once per row. #}
{% macro default__accepted_values(relation, column, values) %}
select coalesce(sum(n), 0) AS row_count,
       coalesce(sum(case when v is not null and v not in ({{ literal(values) }}) then n else 0 end), 0) AS failing_count
from (select {{ column }} AS v, count(*) AS n from {{ relation }} group by {{ column }}) AS sqlmon_values
{% endmacro %}
