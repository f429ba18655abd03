{% macro default__unique(column) %}
count(*) AS row_count,
count({{ column }}) - count(distinct {{ column }}) AS failing_count
{% endmacro %}

{# A combination of columns: rows beyond the first of each repeated combination. #}
{% macro default__unique_combination(relation, columns) %}
select coalesce(sum(n), 0) AS row_count, coalesce(sum(n), 0) - count(*) AS failing_count
from (select count(*) AS n from {{ relation }} group by {% for c in columns %}{{ identifier(c) }}{{ ", " if not loop.last }}{% endfor %}) AS sqlmon_groups
{% endmacro %}

{# The same per segment (`segments`: segment column names): repeats within each segment value. #}
{% macro default__unique_combination_by_segment(relation, columns, segments) %}
select {% for s in segments %}{{ identifier(s) }} AS g{{ loop.index0 }}, {% endfor %}coalesce(sum(n), 0) AS row_count,
       coalesce(sum(n), 0) - count(*) AS failing_count
from (select {% for s in segments %}{{ identifier(s) }}, {% endfor %}count(*) AS n from {{ relation }}
      group by {% for s in segments %}{{ identifier(s) }}, {% endfor %}{% for c in columns %}{{ identifier(c) }}{{ ", " if not loop.last }}{% endfor %}) AS sqlmon_groups
group by {% for s in segments %}{{ identifier(s) }}{{ ", " if not loop.last }}{% endfor %}
{% endmacro %}
