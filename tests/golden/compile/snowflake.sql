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
  COUNT(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "n",
  COUNT("x") AS "nonnull",
  MIN(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "vmin",
  MAX(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "vmax"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );
SELECT
  STDDEV_POP(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "std",
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
      0.01
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.02
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.03
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.04
    ),
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
      0.06
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.07
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.08
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.09
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
      0.11
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.12
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.13
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.14
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
      0.16
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.17
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.18
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.19
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
      0.21
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.22
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.23
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.24
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
      0.26
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.27
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.28
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.29
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
      0.31
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.32
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.33
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.34
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
      0.36
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.37
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.38
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.39
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
      0.41
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.42
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.43
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.44
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
      0.46
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.47
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.48
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.49
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
      0.51
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.52
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.53
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.54
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
      0.56
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.57
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.58
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.59
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
      0.61
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.62
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.63
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.64
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
      0.66
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.67
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.68
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.69
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
      0.71
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.72
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.73
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.74
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
      0.76
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.77
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.78
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.79
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
      0.81
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.82
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.83
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.84
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
      0.86
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.87
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.88
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.89
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
      0.91
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.92
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.93
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.94
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.95
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.96
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.97
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.98
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.99
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
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "n",
  COUNT("x") AS "nonnull",
  MIN(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "vmin",
  MAX(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "vmax"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );
SELECT
  STDDEV_POP(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "std",
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
      0.01
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.02
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.03
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.04
    ),
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
      0.06
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.07
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.08
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.09
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
      0.11
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.12
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.13
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.14
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
      0.16
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.17
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.18
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.19
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
      0.21
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.22
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.23
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.24
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
      0.26
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.27
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.28
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.29
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
      0.31
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.32
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.33
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.34
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
      0.36
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.37
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.38
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.39
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
      0.41
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.42
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.43
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.44
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
      0.46
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.47
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.48
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.49
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
      0.51
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.52
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.53
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.54
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
      0.56
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.57
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.58
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.59
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
      0.61
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.62
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.63
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.64
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
      0.66
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.67
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.68
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.69
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
      0.71
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.72
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.73
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.74
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
      0.76
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.77
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.78
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.79
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
      0.81
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.82
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.83
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.84
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
      0.86
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.87
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.88
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.89
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
      0.91
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.92
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.93
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.94
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.95
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.96
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.97
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.98
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.99
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
  COUNT_IF("cat" IS NULL) AS "failing_count"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-10 00:00:00.000000' AS TIMESTAMP)
  );

-- g.cat.accepted_values
SELECT
  COALESCE(SUM(n), 0) AS row_count,
  COALESCE(SUM(CASE WHEN NOT v IS NULL AND NOT v IN ('a', 'b\'c') THEN n ELSE 0 END), 0) AS failing_count
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
) AS sqlmon_values;

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
  COUNT_IF(NOT "cat" IS NULL AND (
    LENGTH("cat") < 1 OR LENGTH("cat") > 3
  )) AS "failing_count",
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
  COUNT_IF(NOT "x" IS NULL AND (
    "x" < 0.0 OR "x" > 10.0
  )) AS "failing_count"
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
  ) AS "value",
  COUNT(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "n",
  STDDEV_SAMP(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "sd"
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
  COUNT_IF((
    "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
  )) AS "failing_count"
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
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "n",
  COUNT("x") AS "nonnull",
  MIN(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "vmin",
  MAX(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS FLOAT), CAST('inf' AS FLOAT), CAST('-inf' AS FLOAT))
      THEN "x"
    END
  ) AS "vmax"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );
SELECT
  STDDEV_POP(
    CASE
      WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
      THEN "x"
    END
  ) AS "std",
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
      0.01
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.02
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.03
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.04
    ),
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
      0.06
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.07
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.08
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.09
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
      0.11
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.12
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.13
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.14
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
      0.16
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.17
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.18
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.19
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
      0.21
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.22
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.23
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.24
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
      0.26
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.27
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.28
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.29
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
      0.31
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.32
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.33
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.34
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
      0.36
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.37
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.38
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.39
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
      0.41
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.42
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.43
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.44
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
      0.46
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.47
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.48
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.49
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
      0.51
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.52
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.53
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.54
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
      0.56
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.57
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.58
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.59
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
      0.61
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.62
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.63
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.64
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
      0.66
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.67
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.68
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.69
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
      0.71
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.72
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.73
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.74
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
      0.76
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.77
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.78
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.79
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
      0.81
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.82
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.83
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.84
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
      0.86
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.87
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.88
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.89
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
      0.91
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.92
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.93
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.94
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.95
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.96
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.97
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.98
    ),
    APPROX_PERCENTILE(
      CASE
        WHEN NOT "x" IN (CAST('NaN' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE))
        THEN "x"
      END,
      0.99
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
  MIN(EXTRACT(epoch_second FROM "ts")) AS "vmin",
  MAX(EXTRACT(epoch_second FROM "ts")) AS "vmax"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );
SELECT
  STDDEV_POP(EXTRACT(epoch_second FROM "ts")) AS "std",
  COUNT(DISTINCT EXTRACT(epoch_second FROM "ts")) AS "distinct_count",
  [
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.01),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.02),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.03),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.04),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.05),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.06),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.07),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.08),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.09),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.1),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.11),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.12),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.13),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.14),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.15),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.16),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.17),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.18),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.19),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.2),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.21),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.22),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.23),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.24),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.25),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.26),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.27),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.28),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.29),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.3),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.31),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.32),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.33),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.34),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.35),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.36),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.37),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.38),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.39),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.4),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.41),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.42),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.43),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.44),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.45),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.46),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.47),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.48),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.49),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.5),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.51),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.52),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.53),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.54),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.55),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.56),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.57),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.58),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.59),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.6),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.61),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.62),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.63),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.64),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.65),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.66),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.67),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.68),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.69),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.7),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.71),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.72),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.73),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.74),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.75),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.76),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.77),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.78),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.79),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.8),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.81),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.82),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.83),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.84),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.85),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.86),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.87),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.88),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.89),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.9),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.91),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.92),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.93),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.94),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.95),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.96),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.97),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.98),
    APPROX_PERCENTILE(EXTRACT(epoch_second FROM "ts"), 0.99)
  ] AS "quantiles"
FROM main.events
WHERE
  country <> 'zz'
  AND (
    "ts" >= CAST('2024-01-02 00:00:00.000000' AS TIMESTAMP)
    AND "ts" < CAST('2024-01-09 00:00:00.000000' AS TIMESTAMP)
  );

