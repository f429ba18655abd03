-- g._.row_count
SELECT
  COUNT(*) AS "row_count"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g._.freshness
SELECT
  MAX("ts") AS "latest"
FROM main.events
WHERE
  country <> 'zz' AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP);

-- g._.schema

-- g._.unique
SELECT
  COALESCE(SUM(n), 0) AS row_count,
  COALESCE(SUM(n), 0) - COUNT(*) AS failing_count
FROM (
  SELECT
    COUNT(*) AS n
  FROM (
    SELECT
      *
    FROM main.events
    WHERE
      country <> 'zz'
      AND (
        "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
        AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
      )
  ) AS sqlmon_relation
  GROUP BY
    "id",
    "ts"
) AS sqlmon_groups;

-- g._.expression
SELECT
  COUNT(*) AS "row_count",
  SUM(CASE WHEN id > 0 AND x < 100 THEN 0 ELSE 1 END) AS "failing_count"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g._.custom_sql
SELECT
  COUNT(*) AS failing_count
FROM (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM main.events
    WHERE
      country <> 'zz'
      AND (
        "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
        AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
      )
  ) AS sqlmon_relation
  WHERE
    id < 0
) AS sqlmon_failing;

-- g._.dataset_drift
SELECT
  v AS value,
  n AS n,
  SUM(n) OVER () AS total,
  COUNT(*) OVER () AS distinct_count,
  SUM(CASE WHEN n = 1 THEN 1 ELSE 0 END) OVER () AS singletons
FROM (
  SELECT
    "cat" AS v,
    COUNT(*) AS n
  FROM (
    SELECT
      *
    FROM main.events
    WHERE
      country <> 'zz'
      AND (
        "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
        AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
      )
  ) AS sqlmon_relation
  GROUP BY
    "cat"
) AS sqlmon_values
ORDER BY
  n DESC NULLS LAST
LIMIT 10000;
SELECT
  v AS value,
  n AS n,
  SUM(n) OVER () AS total,
  COUNT(*) OVER () AS distinct_count,
  SUM(CASE WHEN n = 1 THEN 1 ELSE 0 END) OVER () AS singletons
FROM (
  SELECT
    "cat" AS v,
    COUNT(*) AS n
  FROM (
    SELECT
      *
    FROM main.events
    WHERE
      country <> 'zz'
      AND (
        "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
        AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
      )
  ) AS sqlmon_relation
  GROUP BY
    "cat"
) AS sqlmon_values
ORDER BY
  n DESC NULLS LAST
LIMIT 10000;
SELECT
  COUNT(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "n",
  STDDEV_POP(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "std",
  MIN(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "vmin",
  MAX(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "vmax",
  COUNT(
    DISTINCT CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "distinct_count",
  [
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.05
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.1
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.15
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.2
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.25
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.3
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.35
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.4
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.45
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.5
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.55
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.6
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.65
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.7
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.75
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.8
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.85
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.9
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.95
    )
  ] AS "quantiles"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );

-- g._.prediction_drift
SELECT
  COUNT(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "n",
  STDDEV_POP(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "std",
  MIN(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "vmin",
  MAX(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "vmax",
  COUNT(
    DISTINCT CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "distinct_count",
  [
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.05
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.1
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.15
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.2
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.25
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.3
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.35
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.4
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.45
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.5
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.55
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.6
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.65
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.7
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.75
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.8
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.85
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.9
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.95
    )
  ] AS "quantiles"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );

-- g.cat.not_null
SELECT
  COUNT(*) AS "row_count",
  SUM(CASE WHEN "cat" IS NULL THEN 1 ELSE 0 END) AS "failing_count"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.cat.accepted_values
SELECT
  COUNT(*) AS "row_count",
  SUM(CASE WHEN NOT "cat" IS NULL AND NOT "cat" IN ('a', 'b\'c') THEN 1 ELSE 0 END) AS "failing_count"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.cat.distinct_count
SELECT
  COUNT(DISTINCT "cat") AS "value"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.cat.distinct_share
SELECT
  COUNT(DISTINCT "cat") AS "distinct_count",
  COUNT("cat") AS "non_null_count"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.cat.length
SELECT
  COUNT(*) AS "row_count",
  SUM(
    CASE
      WHEN NOT "cat" IS NULL AND (
        LENGTH("cat") < 1 OR LENGTH("cat") > 3
      )
      THEN 1
      ELSE 0
    END
  ) AS "failing_count",
  MIN(LENGTH("cat")) AS "min_length",
  MAX(LENGTH("cat")) AS "max_length"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.cat.relationships
SELECT
  COUNT(*) AS row_count,
  COALESCE(SUM(CASE WHEN NOT c."cat" IS NULL AND p.sqlmon_key IS NULL THEN 1 ELSE 0 END), 0) AS failing_count
FROM (
  SELECT
    *
  FROM main.events
  WHERE
    country <> 'zz'
    AND (
      "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
      AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
    )
) AS c
LEFT JOIN (
  SELECT DISTINCT
    "cat" AS sqlmon_key
  FROM main.events
) AS p
  ON c."cat" = p.sqlmon_key;

-- g.cat.drift
SELECT
  v AS value,
  n AS n,
  SUM(n) OVER () AS total,
  COUNT(*) OVER () AS distinct_count,
  SUM(CASE WHEN n = 1 THEN 1 ELSE 0 END) OVER () AS singletons
FROM (
  SELECT
    "cat" AS v,
    COUNT(*) AS n
  FROM (
    SELECT
      *
    FROM main.events
    WHERE
      country <> 'zz'
      AND (
        "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
        AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
      )
  ) AS sqlmon_relation
  GROUP BY
    "cat"
) AS sqlmon_values
ORDER BY
  n DESC NULLS LAST
LIMIT 10000;
SELECT
  v AS value,
  n AS n,
  SUM(n) OVER () AS total,
  COUNT(*) OVER () AS distinct_count,
  SUM(CASE WHEN n = 1 THEN 1 ELSE 0 END) OVER () AS singletons
FROM (
  SELECT
    "cat" AS v,
    COUNT(*) AS n
  FROM (
    SELECT
      *
    FROM main.events
    WHERE
      country <> 'zz'
      AND (
        "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
        AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
      )
  ) AS sqlmon_relation
  GROUP BY
    "cat"
) AS sqlmon_values
ORDER BY
  n DESC NULLS LAST
LIMIT 10000;

-- g.country.regex
SELECT
  COUNT(*) AS "row_count",
  SUM(
    CASE
      WHEN NOT "country" IS NULL AND REGEXP_INSTR("country", '^[A-Z]{2}$') = 0
      THEN 1
      ELSE 0
    END
  ) AS "failing_count"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.range
SELECT
  COUNT(*) AS "row_count",
  SUM(CASE WHEN NOT "x" IS NULL AND (
    "x" < 0.0 OR "x" > 10.0
  ) THEN 1 ELSE 0 END) AS "failing_count"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.mean
SELECT
  AVG(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "value"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.stddev
SELECT
  STDDEV_SAMP(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "value"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.min
SELECT
  MIN(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "value"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.max
SELECT
  MAX(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "value"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.quantile
SELECT
  PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END) AS "value"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.nonfinite_share
SELECT
  COUNT(*) AS "row_count",
  SUM(
    CASE
      WHEN (
        "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      )
      THEN 1
      ELSE 0
    END
  ) AS "failing_count"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.drift
SELECT
  COUNT(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "n",
  STDDEV_POP(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "std",
  MIN(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "vmin",
  MAX(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "vmax",
  COUNT(
    DISTINCT CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "distinct_count",
  [
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.05
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.1
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.15
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.2
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.25
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.3
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.35
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.4
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.45
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.5
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.55
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.6
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.65
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.7
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.75
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.8
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.85
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.9
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.95
    )
  ] AS "quantiles"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );

-- g.ts.ts_drift
SELECT
  COUNT(EXTRACT(epoch_second FROM "ts")) AS "n",
  STDDEV_POP(EXTRACT(epoch_second FROM "ts")) AS "std",
  MIN(EXTRACT(epoch_second FROM "ts")) AS "vmin",
  MAX(EXTRACT(epoch_second FROM "ts")) AS "vmax",
  COUNT(DISTINCT EXTRACT(epoch_second FROM "ts")) AS "distinct_count",
  [
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.05),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.1),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.15),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.2),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.25),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.3),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.35),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.4),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.45),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.5),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.55),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.6),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.65),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.7),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.75),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.8),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.85),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.9),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.95)
  ] AS "quantiles"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );

