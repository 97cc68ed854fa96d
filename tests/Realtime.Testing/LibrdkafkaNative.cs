using System.Runtime.InteropServices;

namespace Realtime.Testing;

/// <summary>
/// The few librdkafka C functions <see cref="KafkaMockCluster"/> needs: a client handle to own a
/// mock cluster, and the mock cluster API of <c>rdkafka_mock.h</c>.
/// </summary>
/// <remarks>
/// <para>Conventions for every declaration: C calling convention (<c>Cdecl</c>; librdkafka is a C
/// library); opaque C pointers (<c>rd_kafka_t*</c>, <c>rd_kafka_conf_t*</c>,
/// <c>rd_kafka_mock_cluster_t*</c>) are <see cref="IntPtr"/>; C <c>int</c>, <c>int32_t</c> and the
/// <c>rd_kafka_type_t</c> / <c>rd_kafka_resp_err_t</c> / <c>rd_kafka_conf_res_t</c> enums are
/// <see cref="int"/>; <c>size_t</c> is <see cref="nuint"/>; <c>const char*</c> arguments are
/// marshalled as NUL-terminated UTF-8 (<see cref="UnmanagedType.LPUTF8Str"/>) for the duration of
/// the call only (librdkafka copies what it keeps).</para>
/// <para><c>const char*</c> <em>results</em> are declared as <see cref="IntPtr"/> and read with
/// <see cref="Marshal.PtrToStringUTF8(IntPtr)"/>: the memory belongs to librdkafka, and a
/// <see cref="string"/> return type would make the marshaller free it.</para>
/// <para>The library is resolved by <see cref="Librdkafka"/> (call
/// <see cref="Librdkafka.EnsureLoaded"/> before the first call). The mock API is marked
/// experimental upstream, without ABI guarantees: these signatures match librdkafka 2.16.0, the
/// version Confluent.Kafka 2.16.0 depends on.</para>
/// </remarks>
internal static class LibrdkafkaNative
{
    /// <summary><c>RD_KAFKA_PRODUCER</c> of <c>rd_kafka_type_t</c>.</summary>
    public const int ProducerType = 0;

    /// <summary><c>RD_KAFKA_CONF_OK</c> of <c>rd_kafka_conf_res_t</c>.</summary>
    public const int ConfOk = 0;

    /// <summary><c>RD_KAFKA_RESP_ERR_NO_ERROR</c> of <c>rd_kafka_resp_err_t</c>.</summary>
    public const int NoError = 0;

    /// <summary><c>const char *rd_kafka_version_str(void)</c>: the library's version, e.g. "2.16.0"; static storage.</summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern IntPtr rd_kafka_version_str();

    /// <summary><c>const char *rd_kafka_err2str(rd_kafka_resp_err_t err)</c>: an error code's description; static storage.</summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern IntPtr rd_kafka_err2str(int err);

    /// <summary><c>rd_kafka_conf_t *rd_kafka_conf_new(void)</c>: a configuration with defaults, owned by the caller until passed to <see cref="rd_kafka_new"/> successfully.</summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern IntPtr rd_kafka_conf_new();

    /// <summary>
    /// <c>rd_kafka_conf_res_t rd_kafka_conf_set(rd_kafka_conf_t *conf, const char *name, const char *value, char *errstr, size_t errstr_size)</c>:
    /// sets one property; returns <see cref="ConfOk"/> or writes a NUL-terminated reason into <paramref name="errstr"/>.
    /// </summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern int rd_kafka_conf_set(
        IntPtr conf,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string value,
        byte[] errstr,
        nuint errstrSize);

    /// <summary><c>void rd_kafka_conf_destroy(rd_kafka_conf_t *conf)</c>: frees a configuration that was not handed to a client.</summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern void rd_kafka_conf_destroy(IntPtr conf);

    /// <summary>
    /// <c>rd_kafka_t *rd_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, char *errstr, size_t errstr_size)</c>:
    /// creates a client. On success it takes ownership of <paramref name="conf"/>; on failure it
    /// returns NULL, writes the reason into <paramref name="errstr"/>, and the caller still owns <paramref name="conf"/>.
    /// </summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, nuint errstrSize);

    /// <summary><c>void rd_kafka_destroy(rd_kafka_t *rk)</c>: stops and frees a client; blocks until its threads have ended.</summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern void rd_kafka_destroy(IntPtr rk);

    /// <summary>
    /// <c>rd_kafka_mock_cluster_t *rd_kafka_mock_cluster_new(rd_kafka_t *rk, int broker_cnt)</c>:
    /// starts a mock cluster of brokers 1..<paramref name="brokerCount"/>, each listening on a
    /// random 127.0.0.1 port, served by a thread of its own. <paramref name="rk"/> must outlive the
    /// cluster. Returns NULL on failure.
    /// </summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    /// <summary><c>void rd_kafka_mock_cluster_destroy(rd_kafka_mock_cluster_t *mcluster)</c>: closes the listeners and connections and frees the cluster; blocks until its thread has ended.</summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    /// <summary><c>const char *rd_kafka_mock_cluster_bootstraps(const rd_kafka_mock_cluster_t *mcluster)</c>: "host:port,…" of all brokers; owned by the cluster.</summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

    /// <summary>
    /// <c>rd_kafka_resp_err_t rd_kafka_mock_topic_create(rd_kafka_mock_cluster_t *mcluster, const char *topic, int partition_cnt, int replication_factor)</c>:
    /// creates a topic synchronously (the admin CreateTopics request is not supported by the mock).
    /// </summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern int rd_kafka_mock_topic_create(
        IntPtr mcluster,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string topic,
        int partitionCount,
        int replicationFactor);

    /// <summary>
    /// <c>void rd_kafka_mock_group_initial_rebalance_delay_ms(rd_kafka_mock_cluster_t *mcluster, int32_t delay_ms)</c>:
    /// the broker setting <c>group.initial.rebalance.delay.ms</c> (mock default 3000) for every group.
    /// </summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr mcluster, int delayMs);

    /// <summary>
    /// <c>rd_kafka_mock_set_controller_id(rd_kafka_mock_cluster_t *mcluster, int32_t broker_id)</c>:
    /// the controller reported in Metadata. Declared <c>void</c>: any result is discarded (a
    /// returned integer in the return register is harmless to ignore under the C ABI).
    /// </summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern void rd_kafka_mock_set_controller_id(IntPtr mcluster, int brokerId);

    /// <summary>
    /// <c>rd_kafka_resp_err_t rd_kafka_mock_broker_set_down(rd_kafka_mock_cluster_t *mcluster, int32_t broker_id)</c>:
    /// disconnects the broker's clients and refuses new connections (no leader change); -1 for all brokers.
    /// </summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern int rd_kafka_mock_broker_set_down(IntPtr mcluster, int brokerId);

    /// <summary>
    /// <c>rd_kafka_resp_err_t rd_kafka_mock_broker_set_up(rd_kafka_mock_cluster_t *mcluster, int32_t broker_id)</c>:
    /// makes the broker accept connections again; -1 for all brokers.
    /// </summary>
    [DllImport(Librdkafka.LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    public static extern int rd_kafka_mock_broker_set_up(IntPtr mcluster, int brokerId);

    /// <summary>Reads a NUL-terminated UTF-8 string owned by librdkafka.</summary>
    public static string ReadString(IntPtr value) => Marshal.PtrToStringUTF8(value) ?? "";

    /// <summary>Reads the NUL-terminated message librdkafka wrote into an <c>errstr</c> buffer.</summary>
    public static string ReadError(byte[] errstr)
    {
        var end = Array.IndexOf(errstr, (byte)0);
        return System.Text.Encoding.UTF8.GetString(errstr, 0, end < 0 ? errstr.Length : end);
    }

    /// <summary>The description of an <c>rd_kafka_resp_err_t</c> code.</summary>
    public static string Describe(int err) => $"{ReadString(rd_kafka_err2str(err))} ({err})";
}
