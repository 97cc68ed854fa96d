namespace Realtime.Infra.Tests.Models;

/// <summary>
/// apiVersion/kind of every custom resource the manifests use, beside the built-in kinds the
/// KubernetesClient package maps itself. A kind missing here fails parsing: adding a new CRD to
/// infra/ means adding its typed model.
/// </summary>
public static class ManifestTypes
{
    public static readonly IDictionary<string, Type> CustomResources = new Dictionary<string, Type>
    {
        ["keda.sh/v1alpha1/ScaledObject"] = typeof(ScaledObject),
        ["keda.sh/v1alpha1/TriggerAuthentication"] = typeof(TriggerAuthentication),
        ["dapr.io/v1alpha1/Component"] = typeof(DaprComponent),
        ["dapr.io/v1alpha1/Resiliency"] = typeof(DaprResiliency),
        ["monitoring.coreos.com/v1/PodMonitor"] = typeof(PodMonitor),
        ["cert-manager.io/v1/ClusterIssuer"] = typeof(ClusterIssuer),
        ["gateway.networking.k8s.io/v1/HTTPRoute"] = typeof(HttpRoute),
        ["kafka.strimzi.io/v1beta2/Kafka"] = typeof(StrimziKafka),
        ["kafka.strimzi.io/v1beta2/KafkaNodePool"] = typeof(KafkaNodePool),
        ["kafka.strimzi.io/v1beta2/KafkaTopic"] = typeof(KafkaTopic),
        ["postgresql.cnpg.io/v1/Cluster"] = typeof(PostgresCluster),
        ["kustomize.config.k8s.io/v1beta1/Kustomization"] = typeof(Kustomization),
        ["kustomize.config.k8s.io/v1alpha1/Component"] = typeof(Kustomization),
    };
}
