{# Helpers shared by the built-in macros. Dialect differences live in <adapter>__ versions. #}

{# The value when it is finite, else NULL: NaN poisons AVG/STDDEV/MIN/MAX. #}
{% macro default__finite(column, is_float) %}{% if is_float %}case when isfinite({{ column }}) then {{ column }} end{% else %}{{ column }}{% endif %}{% endmacro %}
{% macro postgres__finite(column, is_float) %}{% if is_float %}case when {{ column }} not in ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) then {{ column }} end{% else %}{{ column }}{% endif %}{% endmacro %}
{% macro spark__finite(column, is_float) %}{% if is_float %}case when not isnan({{ column }}) and abs({{ column }}) <> double('inf') then {{ column }} end{% else %}{{ column }}{% endif %}{% endmacro %}

{# The finite value as a DOUBLE. For aggregates whose result type follows the input: on a
   DECIMAL column DuckDB's quantile_cont keeps the column's scale (an interpolated 267.4375 comes
   back as 267.43) and Spark's avg rounds to scale + 4 digits (0.0166666... -> 0.016667). #}
{% macro default__finite_double(column, is_float) %}{% if is_float %}{{ finite(column, is_float) }}{% else %}cast({{ column }} as double){% endif %}{% endmacro %}

{# TRUE when the value is NaN, +inf or -inf. #}
{% macro default__is_nonfinite(column) %}(isnan({{ column }}) or isinf({{ column }})){% endmacro %}
{% macro postgres__is_nonfinite(column) %}({{ column }} in ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)){% endmacro %}
{% macro spark__is_nonfinite(column) %}(isnan({{ column }}) or abs({{ column }}) = double('inf')){% endmacro %}
