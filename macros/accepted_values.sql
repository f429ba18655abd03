{# Counted per distinct value, so the IN list is evaluated once per value, not once per row. #}
{% macro default__accepted_values(relation, column, values) %}
select coalesce(sum(n), 0) AS row_count,
       coalesce(sum(case when v is not null and v not in ({{ literal(values) }}) then n else 0 end), 0) AS failing_count
from (select {{ column }} AS v, count(*) AS n from {{ relation }} group by {{ column }}) AS sqlmon_values
{% endmacro %}

{# The same per segment (`segments`: segment column names): one row per segment value, g0, g1, ... #}
{% macro default__accepted_values_by_segment(relation, column, values, segments) %}
select {% for s in segments %}{{ identifier(s) }} AS g{{ loop.index0 }}, {% endfor %}coalesce(sum(n), 0) AS row_count,
       coalesce(sum(case when v is not null and v not in ({{ literal(values) }}) then n else 0 end), 0) AS failing_count
from (select {% for s in segments %}{{ identifier(s) }}, {% endfor %}{{ column }} AS v, count(*) AS n
      from {{ relation }} group by {% for s in segments %}{{ identifier(s) }}, {% endfor %}{{ column }}) AS sqlmon_values
group by {% for s in segments %}{{ identifier(s) }}{{ ", " if not loop.last }}{% endfor %}
{% endmacro %}
