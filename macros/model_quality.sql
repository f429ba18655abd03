{# Model quality: the one aggregate that differs per engine, a quantile of |prediction - label|.
   Every other model-quality aggregate is built with sqlglot in sqlmon/quality_sql.py (portable forms).
   NULL labels or predictions give a NULL error, which the quantile aggregates ignore. #}
{% macro default__abs_error_quantile(prediction, label, q) %}quantile_cont(abs(cast({{ prediction }} as double) - cast({{ label }} as double)), {{ literal(q) }}) AS value{% endmacro %}
{% macro postgres__abs_error_quantile(prediction, label, q) %}percentile_cont({{ literal(q) }}) within group (order by abs(cast({{ prediction }} as double precision) - cast({{ label }} as double precision))) AS value{% endmacro %}
{% macro spark__abs_error_quantile(prediction, label, q) %}percentile(abs(cast({{ prediction }} as double) - cast({{ label }} as double)), {{ literal(q) }}) AS value{% endmacro %}
