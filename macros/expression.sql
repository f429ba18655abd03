{# A row fails when the expression is false or NULL (it must hold). #}
{% macro default__expression(expression_sql) %}
count(*) AS row_count,
sum(case when {{ expression_sql }} then 0 else 1 end) AS failing_count
{% endmacro %}
