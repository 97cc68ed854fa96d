using static Realtime.Testing.LibrdkafkaNative;

namespace Realtime.Testing;

/// <summary>
/// librdkafka's built-in mock Kafka cluster, hosted in this process through P/Invoke (no Kafka
/// broker can be installed on the development machines, and no container engine runs there). Its brokers speak the Kafka protocol on
/// real 127.0.0.1 TCP ports, so ordinary Confluent.Kafka clients use <see cref="BootstrapServers"/>
/// like any cluster's. Starts in about a tenth of a second; destroyed on dispose.
/// </summary>
/// <remarks>
/// <para>What the mock supports: idempotent produce with acks=all, keyed partitioning, consumer
/// groups with manual commits and rebalances, committed-offset resume, automatic topic creation
/// (4 partitions). What it does not: the admin API's CreateTopics/DeleteTopics/CreatePartitions/
/// DescribeConfigs/DescribeConsumerGroups — create topics with <see cref="CreateTopic"/> — and
/// <b>never call <c>ListConsumerGroupsAsync</c> against it: that crashes the process</b>.</para>
/// <para>The group initial rebalance delay is set to 0 (the mock's default is 3 s), so a consumer
/// gets partitions as soon as it joins; consumers still need a <c>session.timeout.ms</c> greater
/// than that delay.</para>
/// </remarks>
public sealed class KafkaMockCluster : IDisposable, IAsyncDisposable
{
    /// <summary>
    /// Creation is serialized: it loads the library and installs the P/Invoke resolver on first
    /// use, and keeps concurrent test classes from interleaving client and cluster set-up.
    /// </summary>
    private static readonly Lock CreationGate = new();

    /// <summary>Guards the handles against use during or after <see cref="Dispose"/>.</summary>
    private readonly Lock _gate = new();
    private IntPtr _owner;
    private IntPtr _cluster;

    private KafkaMockCluster(IntPtr owner, IntPtr cluster, int brokerCount)
    {
        _owner = owner;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = ReadString(rd_kafka_mock_cluster_bootstraps(cluster));
    }

    /// <summary>"127.0.0.1:port,…" of every broker.</summary>
    public string BootstrapServers { get; }

    /// <summary>Brokers, with ids 1…<see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>The librdkafka build hosting the cluster (file and version), for diagnostics.</summary>
    public static string LibraryInfo
    {
        get
        {
            Librdkafka.EnsureLoaded();
            return $"{Librdkafka.LoadedPath} ({ReadString(rd_kafka_version_str())})";
        }
    }

    /// <summary>Starts a mock cluster of <paramref name="brokers"/> brokers with no group rebalance delay.</summary>
    public static KafkaMockCluster Start(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        lock (CreationGate)
        {
            Librdkafka.EnsureLoaded();
            var errstr = new byte[512];
            var conf = rd_kafka_conf_new();
            if (conf == IntPtr.Zero)
            {
                throw new InvalidOperationException("rd_kafka_conf_new returned NULL");
            }

            IntPtr owner;
            try
            {
                // The owning handle never connects anywhere (it has no bootstrap servers); it only
                // hosts the cluster. Warnings and errors of the mock still reach stderr.
                Set(conf, "client.id", "realtime-tests-mock-cluster", errstr);
                Set(conf, "log_level", "4", errstr);
                owner = rd_kafka_new(ProducerType, conf, errstr, (nuint)errstr.Length);
            }
            catch
            {
                rd_kafka_conf_destroy(conf);
                throw;
            }

            if (owner == IntPtr.Zero)
            {
                // rd_kafka_new did not take ownership of the configuration.
                rd_kafka_conf_destroy(conf);
                throw new InvalidOperationException("rd_kafka_new failed: " + ReadError(errstr));
            }

            var cluster = rd_kafka_mock_cluster_new(owner, brokers);
            if (cluster == IntPtr.Zero)
            {
                rd_kafka_destroy(owner);
                throw new InvalidOperationException($"rd_kafka_mock_cluster_new({brokers}) failed (no free port, or librdkafka built without the mock cluster)");
            }

            rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0);
            rd_kafka_mock_set_controller_id(cluster, 1);
            return new KafkaMockCluster(owner, cluster, brokers);
        }
    }

    /// <summary>
    /// Creates <paramref name="name"/> with <paramref name="partitions"/> partitions, replicated
    /// to every broker (at most 3) unless <paramref name="replicationFactor"/> says otherwise.
    /// Returns once the cluster has the topic.
    /// </summary>
    public void CreateTopic(string name, int partitions, int? replicationFactor = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var replicas = replicationFactor ?? Math.Min(3, BrokerCount);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            var err = rd_kafka_mock_topic_create(_cluster, name, partitions, replicas);
            if (err != NoError)
            {
                throw new InvalidOperationException($"rd_kafka_mock_topic_create({name}, {partitions}, {replicas}) failed: {Describe(err)}");
            }
        }
    }

    /// <summary>Disconnects the broker's clients and refuses new connections until <see cref="SetBrokerUp"/> (-1: every broker).</summary>
    public void SetBrokerDown(int brokerId) => Check(brokerId, static (cluster, id) => rd_kafka_mock_broker_set_down(cluster, id), "rd_kafka_mock_broker_set_down");

    /// <summary>Lets the broker accept connections again (-1: every broker).</summary>
    public void SetBrokerUp(int brokerId) => Check(brokerId, static (cluster, id) => rd_kafka_mock_broker_set_up(cluster, id), "rd_kafka_mock_broker_set_up");

    private void Check(int brokerId, Func<IntPtr, int, int> call, string what)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            var err = call(_cluster, brokerId);
            if (err != NoError)
            {
                throw new InvalidOperationException($"{what}({brokerId}) failed: {Describe(err)}");
            }
        }
    }

    /// <summary>
    /// Destroys the cluster (closing its listeners and every client connection) and then the
    /// handle that owns it. Dispose clients first so they do not spend their shutdown retrying.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster != IntPtr.Zero)
            {
                rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = IntPtr.Zero;
            }

            if (_owner != IntPtr.Zero)
            {
                rd_kafka_destroy(_owner);
                _owner = IntPtr.Zero;
            }
        }
    }

    /// <summary>Disposes off the caller's thread: destroying joins librdkafka's threads.</summary>
    public ValueTask DisposeAsync() => new(Task.Run(Dispose));

    private static void Set(IntPtr conf, string name, string value, byte[] errstr)
    {
        if (rd_kafka_conf_set(conf, name, value, errstr, (nuint)errstr.Length) != ConfOk)
        {
            throw new InvalidOperationException($"rd_kafka_conf_set({name}={value}) failed: {ReadError(errstr)}");
        }
    }
}
