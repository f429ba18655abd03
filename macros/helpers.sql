{# Helpers shared by the built-in macros. Dialect differences live in <adapter>__ versions. #}

{# The value when it is finite, else NULL: NaN poisons AVG/STDDEV/MIN/MAX. #}
{% macro default__finite(column, is_float) %}{% if is_float %}case when isfinite({{ column }}) then {{ column }} end{% else %}{{ column }}{% endif %}{% endmacro %}
{% macro postgres__finite(column, is_float) %}{% if is_float %}case when {{ column }} not in ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) then {{ column }} end{% else %}{{ column }}{% endif %}{% endmacro %}
{% macro spark__finite(column, is_float) %}{% if is_float %}case when not isnan({{ column }}) and abs({{ column }}) <> double('inf') then {{ column }} end{% else %}{{ column }}{% endif %}{% endmacro %}

{# TRUE when the value is NaN, +inf or -inf. #}
{% macro default__is_nonfinite(column) %}(isnan({{ column }}) or isinf({{ column }})){% endmacro %}
{% macro postgres__is_nonfinite(column) %}({{ column }} in ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)){% endmacro %}
{% macro spark__is_nonfinite(column) %}(isnan({{ column }}) or abs({{ column }}) = double('inf')){% endmacro %}
