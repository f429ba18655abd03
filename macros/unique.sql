{% macro default__unique(column) %}
count(*) AS row_count,
count({{ column }}) - count(distinct {{ column }}) AS failing_count
{% endmacro %}

{# A combination of columns: rows beyond the first of each repeated combination. #}
{% macro default__unique_combination(relation, columns) %}
select coalesce(sum(n), 0) AS row_count, coalesce(sum(n), 0) - count(*) AS failing_count
from (select count(*) AS n from {{ relation }} group by {% for c in columns %}{{ identifier(c) }}{{ ", " if not loop.last }}{% endfor %}) AS sqlmon_groups
{% endmacro %}
