{% macro default__row_count() %}count(*) AS row_count{% endmacro %}
