{# Any SELECT returning the failing rows (dbt style); the metric is how many it returns. #}
{% macro default__custom_sql(sql) %}
select count(*) AS failing_count from ({{ sql }}) AS sqlmon_failing
{% endmacro %}
