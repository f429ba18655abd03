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
  n DESC
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
  n DESC
LIMIT 10000;
SELECT
  COUNT(CASE WHEN ISFINITE("x") THEN "x" END) AS "n",
  STDDEV_POP(CASE WHEN ISFINITE("x") THEN "x" END) AS "std",
  MIN(CASE WHEN ISFINITE("x") THEN "x" END) AS "vmin",
  MAX(CASE WHEN ISFINITE("x") THEN "x" END) AS "vmax",
  APPROX_COUNT_DISTINCT(CASE WHEN ISFINITE("x") THEN "x" END) AS "distinct_count",
  QUANTILE_CONT(
    CASE WHEN ISFINITE("x") THEN "x" END,
    [
      0.05,
      0.1,
      0.15,
      0.2,
      0.25,
      0.3,
      0.35,
      0.4,
      0.45,
      0.5,
      0.55,
      0.6,
      0.65,
      0.7,
      0.75,
      0.8,
      0.85,
      0.9,
      0.95
    ]
  ) AS "quantiles"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );

-- g._.prediction_drift
SELECT
  COUNT(CASE WHEN ISFINITE("x") THEN "x" END) AS "n",
  STDDEV_POP(CASE WHEN ISFINITE("x") THEN "x" END) AS "std",
  MIN(CASE WHEN ISFINITE("x") THEN "x" END) AS "vmin",
  MAX(CASE WHEN ISFINITE("x") THEN "x" END) AS "vmax",
  APPROX_COUNT_DISTINCT(CASE WHEN ISFINITE("x") THEN "x" END) AS "distinct_count",
  QUANTILE_CONT(
    CASE WHEN ISFINITE("x") THEN "x" END,
    [
      0.05,
      0.1,
      0.15,
      0.2,
      0.25,
      0.3,
      0.35,
      0.4,
      0.45,
      0.5,
      0.55,
      0.6,
      0.65,
      0.7,
      0.75,
      0.8,
      0.85,
      0.9,
      0.95
    ]
  ) AS "quantiles"
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
  SUM(CASE WHEN NOT "cat" IS NULL AND NOT "cat" IN ('a', 'b''c') THEN 1 ELSE 0 END) AS "failing_count"
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
  n DESC
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
  n DESC
LIMIT 10000;

-- g.country.regex
SELECT
  COUNT(*) AS "row_count",
  SUM(
    CASE
      WHEN NOT "country" IS NULL AND NOT REGEXP_MATCHES("country", '^[A-Z]{2}$')
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
  AVG(CASE WHEN ISFINITE("x") THEN "x" END) AS "value"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.stddev
SELECT
  STDDEV_SAMP(CASE WHEN ISFINITE("x") THEN "x" END) AS "value"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.min
SELECT
  MIN(CASE WHEN ISFINITE("x") THEN "x" END) AS "value"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.max
SELECT
  MAX(CASE WHEN ISFINITE("x") THEN "x" END) AS "value"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.quantile
SELECT
  QUANTILE_CONT(CASE WHEN ISFINITE("x") THEN "x" END, 0.9) AS "value"
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
  SUM(CASE WHEN (
    ISNAN("x") OR ISINF("x")
  ) THEN 1 ELSE 0 END) AS "failing_count"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.drift
SELECT
  COUNT(CASE WHEN ISFINITE("x") THEN "x" END) AS "n",
  STDDEV_POP(CASE WHEN ISFINITE("x") THEN "x" END) AS "std",
  MIN(CASE WHEN ISFINITE("x") THEN "x" END) AS "vmin",
  MAX(CASE WHEN ISFINITE("x") THEN "x" END) AS "vmax",
  APPROX_COUNT_DISTINCT(CASE WHEN ISFINITE("x") THEN "x" END) AS "distinct_count",
  QUANTILE_CONT(
    CASE WHEN ISFINITE("x") THEN "x" END,
    [
      0.05,
      0.1,
      0.15,
      0.2,
      0.25,
      0.3,
      0.35,
      0.4,
      0.45,
      0.5,
      0.55,
      0.6,
      0.65,
      0.7,
      0.75,
      0.8,
      0.85,
      0.9,
      0.95
    ]
  ) AS "quantiles"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );

-- g.ts.ts_drift
SELECT
  COUNT(EPOCH("ts")) AS "n",
  STDDEV_POP(EPOCH("ts")) AS "std",
  MIN(EPOCH("ts")) AS "vmin",
  MAX(EPOCH("ts")) AS "vmax",
  APPROX_COUNT_DISTINCT(EPOCH("ts")) AS "distinct_count",
  QUANTILE_CONT(
    CAST(EPOCH("ts") AS DOUBLE),
    [
      0.05,
      0.1,
      0.15,
      0.2,
      0.25,
      0.3,
      0.35,
      0.4,
      0.45,
      0.5,
      0.55,
      0.6,
      0.65,
      0.7,
      0.75,
      0.8,
      0.85,
      0.9,
      0.95
    ]
  ) AS "quantiles"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );

