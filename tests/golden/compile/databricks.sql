-- g._.row_count
SELECT
  COUNT(*) AS `row_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g._.freshness
SELECT
  MAX(`ts`) AS `latest`
FROM main.events
WHERE
  country <> 'zz' AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP);

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
        `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
        AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
      )
  ) AS sqlmon_relation
  GROUP BY
    `id`,
    `ts`
) AS sqlmon_groups;

-- g._.expression
SELECT
  COUNT(*) AS `row_count`,
  SUM(CASE WHEN id > 0 AND x < 100 THEN 0 ELSE 1 END) AS `failing_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
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
        `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
        AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
      )
  ) AS sqlmon_relation
  WHERE
    id < 0
) AS sqlmon_failing;

-- g._.dataset_drift
SELECT
  COUNT(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `n`,
  COUNT(`x`) AS `nonnull`,
  MIN(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `vmin`,
  MAX(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `vmax`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );
SELECT
  STDDEV_POP(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> CAST('inf' AS DOUBLE) THEN `x` END) AS `std`,
  COUNT(
    DISTINCT CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> CAST('inf' AS DOUBLE) THEN `x` END
  ) AS `distinct_count`,
  PERCENTILE_APPROX(
    CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> CAST('inf' AS DOUBLE) THEN `x` END,
    ARRAY(
      0.01,
      0.02,
      0.03,
      0.04,
      0.05,
      0.06,
      0.07,
      0.08,
      0.09,
      0.1,
      0.11,
      0.12,
      0.13,
      0.14,
      0.15,
      0.16,
      0.17,
      0.18,
      0.19,
      0.2,
      0.21,
      0.22,
      0.23,
      0.24,
      0.25,
      0.26,
      0.27,
      0.28,
      0.29,
      0.3,
      0.31,
      0.32,
      0.33,
      0.34,
      0.35,
      0.36,
      0.37,
      0.38,
      0.39,
      0.4,
      0.41,
      0.42,
      0.43,
      0.44,
      0.45,
      0.46,
      0.47,
      0.48,
      0.49,
      0.5,
      0.51,
      0.52,
      0.53,
      0.54,
      0.55,
      0.56,
      0.57,
      0.58,
      0.59,
      0.6,
      0.61,
      0.62,
      0.63,
      0.64,
      0.65,
      0.66,
      0.67,
      0.68,
      0.69,
      0.7,
      0.71,
      0.72,
      0.73,
      0.74,
      0.75,
      0.76,
      0.77,
      0.78,
      0.79,
      0.8,
      0.81,
      0.82,
      0.83,
      0.84,
      0.85,
      0.86,
      0.87,
      0.88,
      0.89,
      0.9,
      0.91,
      0.92,
      0.93,
      0.94,
      0.95,
      0.96,
      0.97,
      0.98,
      0.99
    ),
    10000
  ) AS `quantiles`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );

-- g._.prediction_drift
SELECT
  COUNT(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `n`,
  COUNT(`x`) AS `nonnull`,
  MIN(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `vmin`,
  MAX(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `vmax`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );
SELECT
  STDDEV_POP(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> CAST('inf' AS DOUBLE) THEN `x` END) AS `std`,
  COUNT(
    DISTINCT CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> CAST('inf' AS DOUBLE) THEN `x` END
  ) AS `distinct_count`,
  PERCENTILE_APPROX(
    CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> CAST('inf' AS DOUBLE) THEN `x` END,
    ARRAY(
      0.01,
      0.02,
      0.03,
      0.04,
      0.05,
      0.06,
      0.07,
      0.08,
      0.09,
      0.1,
      0.11,
      0.12,
      0.13,
      0.14,
      0.15,
      0.16,
      0.17,
      0.18,
      0.19,
      0.2,
      0.21,
      0.22,
      0.23,
      0.24,
      0.25,
      0.26,
      0.27,
      0.28,
      0.29,
      0.3,
      0.31,
      0.32,
      0.33,
      0.34,
      0.35,
      0.36,
      0.37,
      0.38,
      0.39,
      0.4,
      0.41,
      0.42,
      0.43,
      0.44,
      0.45,
      0.46,
      0.47,
      0.48,
      0.49,
      0.5,
      0.51,
      0.52,
      0.53,
      0.54,
      0.55,
      0.56,
      0.57,
      0.58,
      0.59,
      0.6,
      0.61,
      0.62,
      0.63,
      0.64,
      0.65,
      0.66,
      0.67,
      0.68,
      0.69,
      0.7,
      0.71,
      0.72,
      0.73,
      0.74,
      0.75,
      0.76,
      0.77,
      0.78,
      0.79,
      0.8,
      0.81,
      0.82,
      0.83,
      0.84,
      0.85,
      0.86,
      0.87,
      0.88,
      0.89,
      0.9,
      0.91,
      0.92,
      0.93,
      0.94,
      0.95,
      0.96,
      0.97,
      0.98,
      0.99
    ),
    10000
  ) AS `quantiles`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );

-- g.cat.not_null
SELECT
  COUNT(*) AS `row_count`,
  COUNT_IF(`cat` IS NULL) AS `failing_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.cat.accepted_values
SELECT
  COALESCE(SUM(n), 0) AS row_count,
  COALESCE(SUM(CASE WHEN NOT v IS NULL AND NOT v IN ('a', 'b\'c') THEN n ELSE 0 END), 0) AS failing_count
FROM (
  SELECT
    `cat` AS v,
    COUNT(*) AS n
  FROM (
    SELECT
      *
    FROM main.events
    WHERE
      country <> 'zz'
      AND (
        `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
        AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
      )
  ) AS sqlmon_relation
  GROUP BY
    `cat`
) AS sqlmon_values;

-- g.cat.distinct_count
SELECT
  COUNT(DISTINCT `cat`) AS `value`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.cat.distinct_share
SELECT
  COUNT(DISTINCT `cat`) AS `distinct_count`,
  COUNT(`cat`) AS `non_null_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.cat.length
SELECT
  COUNT(*) AS `row_count`,
  COUNT_IF(NOT `cat` IS NULL AND (
    LENGTH(`cat`) < 1 OR LENGTH(`cat`) > 3
  )) AS `failing_count`,
  MIN(LENGTH(`cat`)) AS `min_length`,
  MAX(LENGTH(`cat`)) AS `max_length`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.cat.relationships
SELECT
  COUNT(*) AS row_count,
  COALESCE(SUM(CASE WHEN NOT c.`cat` IS NULL AND p.sqlmon_key IS NULL THEN 1 ELSE 0 END), 0) AS failing_count
FROM (
  SELECT
    *
  FROM main.events
  WHERE
    country <> 'zz'
    AND (
      `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
      AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
    )
) AS c
LEFT JOIN (
  SELECT DISTINCT
    `cat` AS sqlmon_key
  FROM main.events
) AS p
  ON c.`cat` = p.sqlmon_key;

-- g.cat.drift
SELECT
  v AS value,
  n AS n,
  SUM(n) OVER () AS total,
  COUNT(*) OVER () AS distinct_count,
  SUM(CASE WHEN n = 1 THEN 1 ELSE 0 END) OVER () AS singletons
FROM (
  SELECT
    `cat` AS v,
    COUNT(*) AS n
  FROM (
    SELECT
      *
    FROM main.events
    WHERE
      country <> 'zz'
      AND (
        `ts` >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
        AND `ts` < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
      )
  ) AS sqlmon_relation
  GROUP BY
    `cat`
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
    `cat` AS v,
    COUNT(*) AS n
  FROM (
    SELECT
      *
    FROM main.events
    WHERE
      country <> 'zz'
      AND (
        `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
        AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
      )
  ) AS sqlmon_relation
  GROUP BY
    `cat`
) AS sqlmon_values
ORDER BY
  n DESC
LIMIT 10000;

-- g.country.regex
SELECT
  COUNT(*) AS `row_count`,
  SUM(
    CASE
      WHEN NOT `country` IS NULL AND NOT (
        REGEXP_LIKE(`country`, '^[A-Z]{2}$')
      )
      THEN 1
      ELSE 0
    END
  ) AS `failing_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.range
SELECT
  COUNT(*) AS `row_count`,
  COUNT_IF(NOT `x` IS NULL AND (
    `x` < 0.0 OR `x` > 10.0
  )) AS `failing_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.mean
SELECT
  AVG(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `value`,
  COUNT(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `n`,
  STDDEV_SAMP(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `sd`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.stddev
SELECT
  STDDEV_SAMP(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `value`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.min
SELECT
  MIN(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `value`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.max
SELECT
  MAX(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `value`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.quantile
SELECT
  PERCENTILE(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> CAST('inf' AS DOUBLE) THEN `x` END, 0.9) AS `value`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.nonfinite_share
SELECT
  COUNT(*) AS `row_count`,
  COUNT_IF((
    ISNAN(`x`) OR ABS(`x`) = DOUBLE('inf')
  )) AS `failing_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.x.drift
SELECT
  COUNT(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `n`,
  COUNT(`x`) AS `nonnull`,
  MIN(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `vmin`,
  MAX(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> DOUBLE('inf') THEN `x` END) AS `vmax`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );
SELECT
  STDDEV_POP(CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> CAST('inf' AS DOUBLE) THEN `x` END) AS `std`,
  COUNT(
    DISTINCT CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> CAST('inf' AS DOUBLE) THEN `x` END
  ) AS `distinct_count`,
  PERCENTILE_APPROX(
    CASE WHEN NOT ISNAN(`x`) AND ABS(`x`) <> CAST('inf' AS DOUBLE) THEN `x` END,
    ARRAY(
      0.01,
      0.02,
      0.03,
      0.04,
      0.05,
      0.06,
      0.07,
      0.08,
      0.09,
      0.1,
      0.11,
      0.12,
      0.13,
      0.14,
      0.15,
      0.16,
      0.17,
      0.18,
      0.19,
      0.2,
      0.21,
      0.22,
      0.23,
      0.24,
      0.25,
      0.26,
      0.27,
      0.28,
      0.29,
      0.3,
      0.31,
      0.32,
      0.33,
      0.34,
      0.35,
      0.36,
      0.37,
      0.38,
      0.39,
      0.4,
      0.41,
      0.42,
      0.43,
      0.44,
      0.45,
      0.46,
      0.47,
      0.48,
      0.49,
      0.5,
      0.51,
      0.52,
      0.53,
      0.54,
      0.55,
      0.56,
      0.57,
      0.58,
      0.59,
      0.6,
      0.61,
      0.62,
      0.63,
      0.64,
      0.65,
      0.66,
      0.67,
      0.68,
      0.69,
      0.7,
      0.71,
      0.72,
      0.73,
      0.74,
      0.75,
      0.76,
      0.77,
      0.78,
      0.79,
      0.8,
      0.81,
      0.82,
      0.83,
      0.84,
      0.85,
      0.86,
      0.87,
      0.88,
      0.89,
      0.9,
      0.91,
      0.92,
      0.93,
      0.94,
      0.95,
      0.96,
      0.97,
      0.98,
      0.99
    ),
    10000
  ) AS `quantiles`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );

-- g.ts.ts_drift
SELECT
  COUNT(UNIX_TIMESTAMP(`ts`)) AS `n`,
  MIN(UNIX_TIMESTAMP(`ts`)) AS `vmin`,
  MAX(UNIX_TIMESTAMP(`ts`)) AS `vmax`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );
SELECT
  STDDEV_POP(UNIX_TIMESTAMP(`ts`)) AS `std`,
  COUNT(DISTINCT UNIX_TIMESTAMP(`ts`)) AS `distinct_count`,
  PERCENTILE_APPROX(
    UNIX_TIMESTAMP(`ts`),
    ARRAY(
      0.01,
      0.02,
      0.03,
      0.04,
      0.05,
      0.06,
      0.07,
      0.08,
      0.09,
      0.1,
      0.11,
      0.12,
      0.13,
      0.14,
      0.15,
      0.16,
      0.17,
      0.18,
      0.19,
      0.2,
      0.21,
      0.22,
      0.23,
      0.24,
      0.25,
      0.26,
      0.27,
      0.28,
      0.29,
      0.3,
      0.31,
      0.32,
      0.33,
      0.34,
      0.35,
      0.36,
      0.37,
      0.38,
      0.39,
      0.4,
      0.41,
      0.42,
      0.43,
      0.44,
      0.45,
      0.46,
      0.47,
      0.48,
      0.49,
      0.5,
      0.51,
      0.52,
      0.53,
      0.54,
      0.55,
      0.56,
      0.57,
      0.58,
      0.59,
      0.6,
      0.61,
      0.62,
      0.63,
      0.64,
      0.65,
      0.66,
      0.67,
      0.68,
      0.69,
      0.7,
      0.71,
      0.72,
      0.73,
      0.74,
      0.75,
      0.76,
      0.77,
      0.78,
      0.79,
      0.8,
      0.81,
      0.82,
      0.83,
      0.84,
      0.85,
      0.86,
      0.87,
      0.88,
      0.89,
      0.9,
      0.91,
      0.92,
      0.93,
      0.94,
      0.95,
      0.96,
      0.97,
      0.98,
      0.99
    ),
    10000
  ) AS `quantiles`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );

