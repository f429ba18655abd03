-- g._.row_count
SELECT
  COUNT(*) AS `row_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
  );

-- g._.freshness
SELECT
  MAX(`ts`) AS `latest`
FROM main.events
WHERE
  country <> 'zz' AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME);

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
        `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
        AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
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
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
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
        `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
        AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
      )
  ) AS sqlmon_relation
  WHERE
    id < 0
) AS sqlmon_failing;

-- g._.dataset_drift
SELECT
  COUNT(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `n`,
  COUNT(`x`) AS `nonnull`,
  MIN(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `vmin`,
  MAX(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `vmax`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS DATETIME)
  );
SELECT
  stddev_pop(CASE WHEN NOT is_nan(`x`) AND NOT is_inf(`x`) THEN `x` END) AS `std`,
  count(DISTINCT CASE WHEN NOT is_nan(`x`) AND NOT is_inf(`x`) THEN `x` END) AS `distinct_count`,
  approx_quantiles(CASE WHEN NOT is_nan(`x`) AND NOT is_inf(`x`) THEN `x` END, 100) AS `quantiles`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS DATETIME)
  );

-- g._.prediction_drift
SELECT
  COUNT(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `n`,
  COUNT(`x`) AS `nonnull`,
  MIN(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `vmin`,
  MAX(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `vmax`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS DATETIME)
  );
SELECT
  stddev_pop(CASE WHEN NOT is_nan(`x`) AND NOT is_inf(`x`) THEN `x` END) AS `std`,
  count(DISTINCT CASE WHEN NOT is_nan(`x`) AND NOT is_inf(`x`) THEN `x` END) AS `distinct_count`,
  approx_quantiles(CASE WHEN NOT is_nan(`x`) AND NOT is_inf(`x`) THEN `x` END, 100) AS `quantiles`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS DATETIME)
  );

-- g.cat.not_null
SELECT
  COUNT(*) AS `row_count`,
  COUNTIF(`cat` IS NULL) AS `failing_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
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
        `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
        AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
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
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
  );

-- g.cat.distinct_share
SELECT
  COUNT(DISTINCT `cat`) AS `distinct_count`,
  COUNT(`cat`) AS `non_null_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
  );

-- g.cat.length
SELECT
  COUNT(*) AS `row_count`,
  COUNTIF(NOT `cat` IS NULL AND (
    LENGTH(`cat`) < 1 OR LENGTH(`cat`) > 3
  )) AS `failing_count`,
  MIN(LENGTH(`cat`)) AS `min_length`,
  MAX(LENGTH(`cat`)) AS `max_length`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
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
      `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
      AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
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
        `ts` >= CAST('2024-01-02 00:00:00.000000' AS DATETIME)
        AND `ts` < CAST('2024-01-09 00:00:00.000000' AS DATETIME)
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
        `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
        AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
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
  COUNTIF(NOT `country` IS NULL AND NOT REGEXP_CONTAINS(`country`, '^[A-Z]{2}$')) AS `failing_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
  );

-- g.x.range
SELECT
  COUNT(*) AS `row_count`,
  COUNTIF(NOT `x` IS NULL AND (
    `x` < 0.0 OR `x` > 10.0
  )) AS `failing_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
  );

-- g.x.mean
SELECT
  AVG(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `value`,
  COUNT(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `n`,
  STDDEV_SAMP(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `sd`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
  );

-- g.x.stddev
SELECT
  STDDEV_SAMP(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `value`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
  );

-- g.x.min
SELECT
  MIN(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `value`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
  );

-- g.x.max
SELECT
  MAX(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `value`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
  );

-- g.x.quantile
SELECT
  approx_quantiles(CASE WHEN NOT is_nan(`x`) AND NOT is_inf(`x`) THEN `x` END, 1000)[OFFSET(900)] AS `value`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
  );

-- g.x.nonfinite_share
SELECT
  COUNT(*) AS `row_count`,
  COUNTIF((
    IS_NAN(`x`) OR IS_INF(`x`)
  )) AS `failing_count`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-09 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-10 00:00:00.000000' AS DATETIME)
  );

-- g.x.drift
SELECT
  COUNT(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `n`,
  COUNT(`x`) AS `nonnull`,
  MIN(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `vmin`,
  MAX(CASE WHEN NOT IS_NAN(`x`) AND NOT IS_INF(`x`) THEN `x` END) AS `vmax`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS DATETIME)
  );
SELECT
  stddev_pop(CASE WHEN NOT is_nan(`x`) AND NOT is_inf(`x`) THEN `x` END) AS `std`,
  count(DISTINCT CASE WHEN NOT is_nan(`x`) AND NOT is_inf(`x`) THEN `x` END) AS `distinct_count`,
  approx_quantiles(CASE WHEN NOT is_nan(`x`) AND NOT is_inf(`x`) THEN `x` END, 100) AS `quantiles`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS DATETIME)
  );

-- g.ts.ts_drift
SELECT
  COUNT(unix_seconds(`ts`)) AS `n`,
  MIN(unix_seconds(`ts`)) AS `vmin`,
  MAX(unix_seconds(`ts`)) AS `vmax`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS DATETIME)
  );
SELECT
  stddev_pop(unix_seconds(`ts`)) AS `std`,
  count(DISTINCT unix_seconds(`ts`)) AS `distinct_count`,
  approx_quantiles(unix_seconds(`ts`), 100) AS `quantiles`
FROM main.events
WHERE
  country <> 'zz'
  AND (
    `ts` >= CAST('2024-01-02 00:00:00.000000' AS DATETIME)
    AND `ts` < CAST('2024-01-09 00:00:00.000000' AS DATETIME)
  );

