using Confluent.Kafka;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Realtime.Infra.Tests.Models;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;
using Realtime.Messaging.Kafka;

namespace Realtime.Infra.Tests;

/// <summary>
/// components/kafka-sasl-tls: every Kafka client of the system (the services' librdkafka, KEDA's
/// lag triggers, Dapr's pubsub.kafka) authenticates with SCRAM over TLS, with the credentials
/// referenced from one Secret and never written into the manifests.
/// </summary>
public sealed class KafkaAuthenticationTests
{
    private const string Secret = "realtime-kafka-auth";

    public static TheoryData<string> Variants() => new(Manifests.KafkaSaslTlsVariants);

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Lag_triggers_authenticate_from_the_secret(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var triggers = manifests.All<ScaledObject>().SelectMany(s => s.Spec.Triggers).Where(t => t.Type == "kafka").ToList();

        Assert.Equal(CodeNames.Consumers.Count, triggers.Count);
        Assert.All(triggers, trigger =>
        {
            Assert.Equal("scram_sha512", trigger.Metadata["sasl"]);
            Assert.Equal("enable", trigger.Metadata["tls"]);
            Assert.DoesNotContain("password", trigger.Metadata.Keys);
            var authentication = manifests.Named<TriggerAuthentication>(trigger.AuthenticationRef!.Name);
            Assert.Equal(
                [("ca", "ca.crt"), ("password", "password"), ("username", "username")],
                authentication.Spec.SecretTargetRef.Select(r => (r.Parameter, r.Key)).Order());
            Assert.All(authentication.Spec.SecretTargetRef, r => Assert.Equal(Secret, r.Name));
        });
    }

    /// <summary>
    /// What librdkafka would be configured with in each log user: bound from the rendered
    /// environment the way the Kafka transport binds it, then read back through Confluent.Kafka's
    /// typed config, so a misspelt key or value fails here and not in the cluster.
    /// </summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Every_log_user_gets_scram_over_tls_with_credentials_from_the_secret(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);

        Assert.All(CodeNames.LogUsers, service =>
        {
            var container = manifests.Container(service);
            var environment = manifests.Environment(service);
            foreach (var section in new[] { KafkaOptions.ProducerSection, KafkaOptions.ConsumerSection })
            {
                var settings = ClientSettings(environment, section);
                var config = new ClientConfig(settings);
                Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
                Assert.Equal(SaslMechanism.ScramSha512, config.SaslMechanism);

                foreach (var (setting, key) in new[] { ("sasl.username", "username"), ("sasl.password", "password") })
                {
                    var variable = Assert.Single(container.Env, e => e.Name == CodeNames.EnvironmentKey(section, "Config", setting));
                    Assert.Null(variable.Value);
                    Assert.Equal((Secret, key), (variable.ValueFrom.SecretKeyRef.Name, variable.ValueFrom.SecretKeyRef.Key));
                }

                Assert.Equal(Secret + "/ca.crt", MountedSecretFile(manifests.Deployment(service), container, config.SslCaLocation));
            }
        });
    }

    [Fact]
    public async Task Dapr_component_authenticates_like_the_services_and_the_scalers()
    {
        var manifests = await Manifests.RenderAsync("base+transport-dapr-kafka+kafka-sasl-tls");
        var component = manifests.Named<DaprComponent>(CodeNames.DaprPubSub);

        Assert.Equal("pubsub.kafka", component.Spec.Type);
        Assert.Equal("password", component.MetadataValue("authType"));
        Assert.Equal("false", component.MetadataValue("disableTls"));
        Assert.Equal("SHA-512", component.MetadataValue("saslMechanism"));
        foreach (var (item, key) in new[] { ("saslUsername", "username"), ("saslPassword", "password"), ("caCert", "ca.crt") })
        {
            var metadata = Assert.Single(component.Spec.Metadata, m => m.Name == item);
            Assert.Null(metadata.Value);
            Assert.Equal((Secret, key), (metadata.SecretKeyRef!.Name, metadata.SecretKeyRef.Key));
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task The_credentials_are_referenced_never_rendered(string variant)
    {
        var manifests = await Manifests.RenderAsync(variant);

        Assert.Null(manifests.Find<V1Secret>(Secret));
        Assert.DoesNotContain(manifests.Config.Data.Keys, key => key.Contains("sasl.password", StringComparison.Ordinal) || key.Contains("sasl.username", StringComparison.Ordinal));
    }

    /// <summary>Without the component the development transports stay plaintext (the Strimzi dev listener).</summary>
    [Fact]
    public async Task Without_the_component_no_client_expects_sasl()
    {
        var manifests = await Manifests.RenderAsync("base+transport-kafka");

        Assert.All(manifests.All<ScaledObject>().SelectMany(s => s.Spec.Triggers).Where(t => t.Type == "kafka"), t => Assert.Null(t.AuthenticationRef));
        Assert.DoesNotContain(manifests.Config.Data.Keys, key => key.Contains("security.protocol", StringComparison.Ordinal));
    }

    private static Dictionary<string, string> ClientSettings(IReadOnlyDictionary<string, string?> environment, string section)
    {
        var settings = new Dictionary<string, string>();
        new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)))
            .Build()
            .GetSection($"{section}:Config")
            .Bind(settings);
        return settings;
    }

    /// <summary>"secret/key" of the Secret item mounted at <paramref name="path"/> in the container.</summary>
    private static string MountedSecretFile(V1Deployment deployment, V1Container container, string path)
    {
        var mount = Assert.Single(container.VolumeMounts, m => path.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
        Assert.True(mount.ReadOnlyProperty);
        var volume = Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.Name == mount.Name);
        var item = Assert.Single(volume.Secret.Items, i => i.Path == path[(mount.MountPath.Length + 1)..]);
        return $"{volume.Secret.SecretName}/{item.Key}";
    }
}
