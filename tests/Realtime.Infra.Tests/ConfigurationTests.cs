using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Realtime.Auth;
using Realtime.Contracts;
using Realtime.Infra.Tests.SourceOfTruth;
using Realtime.Infra.Tests.Support;
using Realtime.Messaging.Kafka;

namespace Realtime.Infra.Tests;

/// <summary>
/// Every setting a service gets is one the code reads, under the key the code binds, with a value
/// its options accept; and each service gets exactly the connection strings it uses.
/// </summary>
public sealed class ConfigurationTests
{
    /// <summary>Keys read by the platform rather than an options class.</summary>
    private static readonly string[] PlatformKeys = ["ASPNETCORE_HTTP_PORTS", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "POD_NAME"];

    public static TheoryData<string, string> ServicesByVariant() => WorkloadShapeTests.ServicesByVariant();

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Every_setting_binds_to_the_codes_options_and_validates(string variant, string service)
    {
        var environment = (await Manifests.RenderAsync(variant)).Environment(service);
        var settings = environment
            .Where(e => !PlatformKeys.Contains(e.Key) && !IsKafkaClientSetting(e.Key))
            .Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value))
            .ToList();

        var bySection = new Dictionary<string, List<KeyValuePair<string, string?>>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            if (key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Contains(key["ConnectionStrings:".Length..], new[] { ServiceNames.Redis, ServiceNames.HistoryDatabase, ServiceNames.Kafka });
                continue;
            }

            // The innermost section an options class binds: Gateway:Token:HmacSecretKey belongs to
            // TokenOptions, not to GatewayOptions (which has no Token property).
            var section = CodeNames.OptionSections.Keys
                .Where(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase))
                .MaxBy(s => s.Length);
            Assert.True(section is not null, $"{service}: no options class binds {key}");
            if (!bySection.TryGetValue(section, out var entries))
            {
                bySection[section] = entries = [];
            }

            entries.Add(KeyValuePair.Create(key, value));
        }

        foreach (var (section, entries) in bySection)
        {
            var optionsType = CodeNames.OptionSections[section];
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(entries).Build().GetSection(section);
            // A key the options class has no property for would be silently ignored by the service.
            var options = configuration.Get(optionsType, binder => binder.ErrorOnUnknownConfiguration = true)!;
            var errors = new List<ValidationResult>();
            Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true),
                $"{service} {section}: {string.Join("; ", errors.Select(e => e.ErrorMessage))}");
            if (options is TokenOptions token)
            {
                // TokenOptionsValidator's checks (key lengths, PEM, URL), as ValidateOnStart runs them.
                Assert.Empty(token.Validate());
            }
        }
    }

    /// <summary>librdkafka settings (security.protocol, sasl.*) pass through KafkaOptions' Config sections verbatim.</summary>
    private static bool IsKafkaClientSetting(string key) =>
        new[] { KafkaOptions.ProducerSection, KafkaOptions.ConsumerSection }
            .Any(section => key.StartsWith(section.Replace(":", "__", StringComparison.Ordinal) + "__Config__", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Each_service_gets_the_connection_strings_it_reads_from_secrets(string variant, string service)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var fromSecrets = manifests.Container(service).Env
            .Where(e => e.Name.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .ToDictionary(e => e.Name, e => e.ValueFrom.SecretKeyRef);

        Assert.Equal(CodeNames.ConnectionStringsByService[service].Select(CodeNames.ConnectionStringKey).Order(), fromSecrets.Keys.Order());
        foreach (var name in CodeNames.ConnectionStringsByService[service])
        {
            // One Secret, keyed by the connection names the code uses.
            Assert.Equal(("realtime-backing", name), (fromSecrets[CodeNames.ConnectionStringKey(name)].Name, fromSecrets[CodeNames.ConnectionStringKey(name)].Key));
        }
    }

    [Theory]
    [MemberData(nameof(ServicesByVariant))]
    public async Task Kafka_transports_give_every_service_the_bootstrap_servers(string variant, string service)
    {
        var manifests = await Manifests.RenderAsync(variant);
        var environment = manifests.Environment(service);
        var kafka = environment.ContainsKey(CodeNames.ConnectionStringKey(ServiceNames.Kafka));

        // PublicationLogExtensions requires ConnectionStrings:kafka for the Kafka transport, and only then.
        Assert.Equal(environment[CodeNames.TransportKey] == "Kafka", kafka);
    }
}
