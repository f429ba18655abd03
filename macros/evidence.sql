{# Evidence of a test that warns or fails (README "Evidence"): its offending values with their
   rows, most first, and sample failing rows, over the test's own window and filters.

   `failing` is the test's failing-row condition (an `<test type>_failing` macro below) over the
   windowed relation, aliased sqlmon_src; `repeated` (unique) keeps instead the values that occur
   more than once. Ties and the cap cut the same rows on every engine: values sort by their bytes
   (PostgreSQL sorts text by the database's collation unless told `COLLATE "C"`) with NULLs last
   (Spark puts them first unless told). #}

{% macro default__evidence_top_values(relation, keys, kinds, failing, top, repeated=false, as_text=[]) %}
with sqlmon_offending as (
  select {% for k in keys %}{{ identifier(k) }} AS sqlmon_k{{ loop.index0 }}, {% endfor %}count(*) AS sqlmon_rows
  from {{ relation }} AS sqlmon_src
  {% if failing is not none %}where {{ failing }}{% endif %}
  group by {% for k in keys %}{{ identifier(k) }}{{ ", " if not loop.last }}{% endfor %}
  {% if repeated %}having count(*) > 1{% endif %}
)
select {% for k in keys %}{{ evidence_output("sqlmon_top.sqlmon_k" ~ loop.index0, as_text[loop.index0]) }} AS sqlmon_k{{ loop.index0 }}, {% endfor %}sqlmon_top.sqlmon_rows, sqlmon_all.sqlmon_values
from (select * from sqlmon_offending
      order by sqlmon_rows desc, {% for k in keys %}{{ evidence_sort("sqlmon_k" ~ loop.index0, kinds[loop.index0]) }}{{ ", " if not loop.last }}{% endfor %}
      limit {{ top | int }}) AS sqlmon_top
cross join (select count(*) AS sqlmon_values from sqlmon_offending) AS sqlmon_all
order by sqlmon_top.sqlmon_rows desc, {% for k in keys %}{{ evidence_sort("sqlmon_top.sqlmon_k" ~ loop.index0, kinds[loop.index0]) }}{{ ", " if not loop.last }}{% endfor %}
{% endmacro %}

{# Up to `limit` failing rows, the chosen columns, ordered by them (rows equal in every shown
   column look the same, so the list is the same on every engine; qualified, so a DECIMAL sorts
   as a number, not as the text it is shown as). For `repeated`, every row of a repeated value
   (the first occurrence too). #}
{% macro default__evidence_samples(relation, keys, columns, kinds, failing, limit, repeated=false, as_text=[]) %}
select {% for c in columns %}{{ evidence_output(identifier(c), as_text[loop.index0]) }} AS {{ identifier(c) }}{{ ", " if not loop.last }}{% endfor %}
from (
  select *{% if repeated %}, count(*) over (partition by {% for k in keys %}{{ identifier(k) }}{{ ", " if not loop.last }}{% endfor %}) AS sqlmon_repeats{% endif %}
  from {{ relation }} AS sqlmon_src
  {% if failing is not none %}where {{ failing }}{% endif %}
) AS sqlmon_failing
  {% if repeated %}where sqlmon_repeats > 1{% endif %}
  order by {% for c in columns %}{{ evidence_sort("sqlmon_failing." ~ identifier(c), kinds[loop.index0]) }}{{ ", " if not loop.last }}{% endfor %}
  limit {{ limit | int }}
{% endmacro %}

{# A value as the evidence shows it: DECIMALs as their text, exact (the adapters read numbers as
   floats, which a DECIMAL(20, 0) key would not survive). #}
{% macro default__evidence_output(expr, as_text) %}{% if as_text %}cast({{ expr }} as text){% else %}{{ expr }}{% endif %}{% endmacro %}

{# One sort key: `expr` is SQL already, `kind` its column's kind. identifier() quotes "C" for the
   dialect the calling macro is parsed in. #}
{% macro default__evidence_sort(expr, kind) %}{{ expr }} asc nulls last{% endmacro %}
{% macro postgres__evidence_sort(expr, kind) %}{% if kind == "string" %}cast({{ expr }} as text) collate {{ identifier("C") }}{% else %}{{ expr }}{% endif %} asc nulls last{% endmacro %}

{# The failing-row conditions, one per test type, as the test's own metric counts them. `column`
   comes qualified (sqlmon_src."name"): a subquery's own columns never shadow it. #}
{% macro default__accepted_values_failing(column, values) %}{{ column }} is not null and {{ column }} not in ({{ literal(values) }}){% endmacro %}

{% macro default__range_failing(column, min, max, inclusive) %}{{ column }} is not null and ({% if min is not none %}{{ column }} {{ "<" if inclusive else "<=" }} {{ literal(min) }}{% else %}false{% endif %} or {% if max is not none %}{{ column }} {{ ">" if inclusive else ">=" }} {{ literal(max) }}{% else %}false{% endif %}){% endmacro %}

{% macro default__regex_failing(column, pattern) %}{{ column }} is not null and not regexp_matches({{ column }}, {{ literal(pattern) }}){% endmacro %}
{% macro postgres__regex_failing(column, pattern) %}{{ column }} is not null and not ({{ column }} ~ {{ literal(pattern) }}){% endmacro %}
{% macro spark__regex_failing(column, pattern) %}{{ column }} is not null and not ({{ column }} rlike {{ literal(pattern) }}){% endmacro %}

{% macro default__relationships_failing(column, to_relation, field) %}{{ column }} is not null and not exists (select 1 from {{ to_relation }} AS sqlmon_parent where sqlmon_parent.{{ identifier(field) }} = {{ column }}){% endmacro %}

{# One column: NULLs are not values (COUNT DISTINCT skips them); a combination groups them. #}
{% macro default__unique_failing(column) %}{{ column }} is not null{% endmacro %}
