{# Newest timestamp; the scope already excludes rows at or after as_of. #}
{% macro default__freshness(column) %}max({{ column }}) AS latest{% endmacro %}
