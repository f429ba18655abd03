{# NaN counts as out of range (it is greater than every number in DuckDB and PostgreSQL). #}
{% macro default__range(column, min, max, inclusive) %}
count(*) AS row_count,
count_if({{ column }} is not null and ({% if min is not none %}{{ column }} {{ "<" if inclusive else "<=" }} {{ literal(min) }}{% else %}false{% endif %} or {% if max is not none %}{{ column }} {{ ">" if inclusive else ">=" }} {{ literal(max) }}{% else %}false{% endif %})) AS failing_count
{% endmacro %}
