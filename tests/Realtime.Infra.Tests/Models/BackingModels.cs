using k8s.Models;

namespace Realtime.Infra.Tests.Models;

/// <summary>kafka.strimzi.io/v1beta2 Kafka.</summary>
public sealed class StrimziKafka : CustomResource<StrimziKafkaSpec>
{
    /// <summary>The bootstrap Service Strimzi creates for a listener: {cluster}-kafka-bootstrap.</summary>
    public string BootstrapAddress(string listener) =>
        $"{Metadata.Name}-kafka-bootstrap.{Metadata.NamespaceProperty}.svc:{Spec.Kafka.Listeners.Single(l => l.Name == listener).Port}";
}

public sealed class StrimziKafkaSpec
{
    public KafkaClusterSpec Kafka { get; set; } = new();

    public EntityOperatorSpec? EntityOperator { get; set; }
}

public sealed class KafkaClusterSpec
{
    public string? Version { get; set; }

    public List<KafkaListener> Listeners { get; set; } = [];

    public Dictionary<string, object> Config { get; set; } = [];
}

public sealed class KafkaListener
{
    public string Name { get; set; } = "";

    public int Port { get; set; }

    public string Type { get; set; } = "";

    public bool Tls { get; set; }
}

public sealed class EntityOperatorSpec
{
    public EmptyObject? TopicOperator { get; set; }

    public EmptyObject? UserOperator { get; set; }
}

/// <summary>kafka.strimzi.io/v1beta2 KafkaNodePool.</summary>
public sealed class KafkaNodePool : CustomResource<KafkaNodePoolSpec>;

public sealed class KafkaNodePoolSpec
{
    public int Replicas { get; set; }

    public List<string> Roles { get; set; } = [];

    public KafkaStorage Storage { get; set; } = new();

    public V1ResourceRequirements? Resources { get; set; }
}

public sealed class KafkaStorage
{
    public string Type { get; set; } = "";

    public List<KafkaVolume> Volumes { get; set; } = [];
}

public sealed class KafkaVolume
{
    public int Id { get; set; }

    public string Type { get; set; } = "";

    public string? Size { get; set; }

    public bool DeleteClaim { get; set; }

    public string? KraftMetadata { get; set; }
}

/// <summary>kafka.strimzi.io/v1beta2 KafkaTopic.</summary>
public sealed class KafkaTopic : CustomResource<KafkaTopicSpec>;

public sealed class KafkaTopicSpec
{
    public string TopicName { get; set; } = "";

    public int Partitions { get; set; }

    public int Replicas { get; set; }

    public Dictionary<string, object> Config { get; set; } = [];
}

/// <summary>postgresql.cnpg.io/v1 Cluster (CloudNativePG).</summary>
public sealed class PostgresCluster : CustomResource<PostgresClusterSpec>
{
    /// <summary>The read-write Service CloudNativePG creates: {cluster}-rw.</summary>
    public string ReadWriteHost => $"{Metadata.Name}-rw.{Metadata.NamespaceProperty}.svc";
}

public sealed class PostgresClusterSpec
{
    public int Instances { get; set; }

    public string? ImageName { get; set; }

    public PostgresStorage Storage { get; set; } = new();

    public PostgresBootstrap Bootstrap { get; set; } = new();

    public V1ResourceRequirements? Resources { get; set; }
}

public sealed class PostgresStorage
{
    public string Size { get; set; } = "";

    public string? StorageClass { get; set; }
}

public sealed class PostgresBootstrap
{
    public PostgresInitDb Initdb { get; set; } = new();
}

public sealed class PostgresInitDb
{
    public string Database { get; set; } = "";

    public string Owner { get; set; } = "";

    public SecretName? Secret { get; set; }
}
