{#
  A user-defined test type, used in YAML as `- positive_values`.
  Return failing rows (a SELECT, dbt style: the metric is how many rows it returns)
  or named aggregates (`count(*) AS metric, ...`, fused with the built-in tests).
#}
{% macro test_positive_values(relation, column, allow_zero=true) %}
select * from {{ relation }}
where {{ column }} {{ "<" if allow_zero else "<=" }} 0
{% endmacro %}
