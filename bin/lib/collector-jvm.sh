# The edge collector's JVM options, unless JAVA_OPTS says otherwise (sourced by the scripts that run a collector).
# A per-node agent keeps its memory small: a bounded heap and the serial collector (RSS ~200 MB measured). The young
# generation is set apart from the heap's start size: with -Xms64m alone it was ~21 MB and was collected 5-10 times a
# second at 10k requests/s (BENCHMARKS, "L7 payload capture").
COLLECTOR_JAVA_OPTS="${JAVA_OPTS:--Xms96m -Xmx256m -Xmn64m -XX:+UseSerialGC}"
