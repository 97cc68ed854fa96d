namespace Realtime.Infra.Tests.Models;

/// <summary>The repository root's azure.yaml (Azure Developer CLI).</summary>
public sealed class AzureYaml
{
    public string Name { get; set; } = "";

    public AzureYamlMetadata? Metadata { get; set; }

    public AzureYamlInfra? Infra { get; set; }

    public Dictionary<string, AzureYamlService> Services { get; set; } = [];
}

public sealed class AzureYamlMetadata
{
    public string? Template { get; set; }
}

public sealed class AzureYamlInfra
{
    public string? Path { get; set; }
}

public sealed class AzureYamlService
{
    public string Language { get; set; } = "";

    public string Project { get; set; } = "";

    public string Host { get; set; } = "";
}

/// <summary>One app's block in infra/azure/container-apps.yaml: ACA's dapr and scale settings.</summary>
public sealed class ContainerAppSettings
{
    /// <summary>Container environment variables, in ACA's format (properties.template.containers[].env).</summary>
    public List<ContainerAppEnvironmentVariable> Env { get; set; } = [];

    public ContainerAppDapr Dapr { get; set; } = new();

    public ContainerAppScale Scale { get; set; } = new();

    /// <summary>Health probes, in ACA's format (properties.template.containers[].probes).</summary>
    public List<ContainerAppProbe> Probes { get; set; } = [];
}

public sealed class ContainerAppProbe
{
    public string Type { get; set; } = "";

    public ContainerAppHttpGet? HttpGet { get; set; }
}

public sealed class ContainerAppHttpGet
{
    public string Path { get; set; } = "";

    public int Port { get; set; }
}

public sealed class ContainerAppEnvironmentVariable
{
    public string Name { get; set; } = "";

    public string? Value { get; set; }

    public string? SecretRef { get; set; }
}

public sealed class ContainerAppDapr
{
    public bool Enabled { get; set; }

    public string AppId { get; set; } = "";

    public int AppPort { get; set; }

    public string AppProtocol { get; set; } = "";
}

public sealed class ContainerAppScale
{
    public int MinReplicas { get; set; }

    public int MaxReplicas { get; set; }

    public List<ContainerAppScaleRule> Rules { get; set; } = [];
}

public sealed class ContainerAppScaleRule
{
    public string Name { get; set; } = "";

    public ContainerAppHttpRule? Http { get; set; }

    public ContainerAppCustomRule? Custom { get; set; }
}

public sealed class ContainerAppHttpRule
{
    public Dictionary<string, string> Metadata { get; set; } = [];
}

public sealed class ContainerAppCustomRule
{
    public string Type { get; set; } = "";

    public Dictionary<string, string> Metadata { get; set; } = [];

    public List<ContainerAppScaleAuth> Auth { get; set; } = [];
}

public sealed class ContainerAppScaleAuth
{
    public string SecretRef { get; set; } = "";

    public string TriggerParameter { get; set; } = "";
}

/// <summary>infra/azure/dapr-pubsub.yaml: a Dapr component in Azure Container Apps' format.</summary>
public sealed class ContainerAppsDaprComponent
{
    public string ComponentType { get; set; } = "";

    public string Version { get; set; } = "";

    public List<ContainerAppsDaprMetadata> Metadata { get; set; } = [];

    public List<ContainerAppsSecret> Secrets { get; set; } = [];

    public List<string> Scopes { get; set; } = [];

    public string? MetadataValue(string name) => Metadata.SingleOrDefault(m => m.Name == name)?.Value;
}

public sealed class ContainerAppsDaprMetadata
{
    public string Name { get; set; } = "";

    public string? Value { get; set; }

    public string? SecretRef { get; set; }
}

public sealed class ContainerAppsSecret
{
    public string Name { get; set; } = "";

    public string Value { get; set; } = "";
}
