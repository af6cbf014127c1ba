"""The seed's CDN real-time log analysis case, PyFlink style.

CDN access-log JSON events (uuid, client_ip, request_time, response_size, uri,
event_ts) are read from Kafka; a Python UDF ``ip_to_province`` maps each client
IP to a province with the IP ranges of examples/cdn/ip_ranges.csv (shipped to
the UDF workers with ``add_python_file``); per province the job keeps the visit
count, the total download volume and the download speed
(SUM(response_size) / SUM(request_time)) in a MySQL-protocol table, upserted
by province.

Run (servers from scripts/services.sh up):
    spry run examples/cdn_log_analysis.py [bootstrap] [topic] [jdbc-url] [user] [password] [table] [bounded]
The MySQL table needs a primary key on province:
    CREATE TABLE cdn_access_statistic (province VARCHAR(32) PRIMARY KEY, access_count BIGINT,
                                       total_download BIGINT, download_speed DOUBLE);
With ``bounded`` the job reads the topic to its current end and finishes.
"""
import os
import sys

try:
    from pyflink.table import EnvironmentSettings, TableEnvironment, DataTypes
    from pyflink.table.udf import udf
except ImportError:
    from spry.table import EnvironmentSettings, TableEnvironment, DataTypes
    from spry.table.udf import udf

args = sys.argv[1:] + [None] * 7
bootstrap = args[0] or "127.0.0.1:19092"
topic = args[1] or "cdn_access_log"
jdbc_url = args[2] or "jdbc:mysql://127.0.0.1:13306/spry"
user = args[3] or "spry"
password = args[4] or "spry"
table = args[5] or "cdn_access_statistic"
bounded = args[6] == "bounded"

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
# The module and the IP ranges it reads, for the UDF workers.
t_env.add_python_file(os.path.join(os.path.dirname(os.path.abspath(__file__)), "cdn"))


@udf(result_type=DataTypes.STRING())
def ip_to_province(ip):
    import cdn_geo  # shipped with add_python_file
    return cdn_geo.province_of(ip)


t_env.create_temporary_system_function("ip_to_province", ip_to_province)

t_env.execute_sql("""
CREATE TABLE cdn_access_log (
    uuid STRING,
    client_ip STRING,
    request_time BIGINT,
    response_size BIGINT,
    uri STRING,
    event_ts BIGINT
) WITH (
    'connector' = 'kafka',
    'topic' = '%s',
    'properties.bootstrap.servers' = '%s',
    'properties.group.id' = 'cdn_log_analysis',
    'scan.startup.mode' = 'earliest-offset',
    %s
    'format' = 'json'
)""" % (topic, bootstrap, "'scan.bounded.mode' = 'latest-offset'," if bounded else ""))

t_env.execute_sql("""
CREATE TABLE cdn_access_statistic (
    province STRING,
    access_count BIGINT,
    total_download BIGINT,
    download_speed DOUBLE,
    PRIMARY KEY (province) NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = '%s',
    'table-name' = '%s',
    'username' = '%s',
    'password' = '%s',
    'sink.buffer-flush.max-rows' = '1'
)""" % (jdbc_url, table, user, password))

t_env.execute_sql("""
INSERT INTO cdn_access_statistic
SELECT province,
       COUNT(uuid) AS access_count,
       SUM(response_size) AS total_download,
       CAST(SUM(response_size) AS DOUBLE) / SUM(request_time) AS download_speed
FROM (SELECT ip_to_province(client_ip) AS province, uuid, response_size, request_time FROM cdn_access_log)
GROUP BY province
""").wait()
