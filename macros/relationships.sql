{# Rows whose non-NULL key has no match in the parent relation. #}
{% macro default__relationships(relation, column, to_relation, field) %}
select count(*) AS row_count,
       coalesce(sum(case when c.{{ column }} is not null and p.sqlmon_key is null then 1 else 0 end), 0) AS failing_count
from {{ relation }} AS c
left join (select distinct {{ identifier(field) }} AS sqlmon_key from {{ to_relation }}) AS p
  on c.{{ column }} = p.sqlmon_key
{% endmacro %}

{# The same per segment (`segments`: segment column names): one row per segment value, g0, g1, ... #}
{% macro default__relationships_by_segment(relation, column, to_relation, field, segments) %}
select {% for s in segments %}c.{{ identifier(s) }} AS g{{ loop.index0 }}, {% endfor %}count(*) AS row_count,
       coalesce(sum(case when c.{{ column }} is not null and p.sqlmon_key is null then 1 else 0 end), 0) AS failing_count
from {{ relation }} AS c
left join (select distinct {{ identifier(field) }} AS sqlmon_key from {{ to_relation }}) AS p
  on c.{{ column }} = p.sqlmon_key
group by {% for s in segments %}c.{{ identifier(s) }}{{ ", " if not loop.last }}{% endfor %}
{% endmacro %}
