using k8s;
using k8s.Models;

namespace Realtime.Infra.Tests.Models;

/// <summary>A kustomization.yaml: kustomize.config.k8s.io Kustomization or Component.</summary>
public sealed class Kustomization : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public string? Namespace { get; set; }

    public List<string> Resources { get; set; } = [];

    public List<string> Components { get; set; } = [];

    public List<KustomizeLabels> Labels { get; set; } = [];

    public List<KustomizeGenerator> ConfigMapGenerator { get; set; } = [];

    public List<KustomizeGenerator> SecretGenerator { get; set; } = [];

    public List<KustomizeImage> Images { get; set; } = [];

    public List<KustomizePatch> Patches { get; set; } = [];
}

public sealed class KustomizeLabels
{
    public Dictionary<string, string> Pairs { get; set; } = [];

    public bool IncludeSelectors { get; set; }

    public bool IncludeTemplates { get; set; }
}

public sealed class KustomizeGenerator
{
    public string Name { get; set; } = "";

    public string? Type { get; set; }

    public string? Behavior { get; set; }

    public List<string> Envs { get; set; } = [];

    public List<string> Literals { get; set; } = [];

    public KustomizeGeneratorOptions? Options { get; set; }
}

public sealed class KustomizeGeneratorOptions
{
    public bool DisableNameSuffixHash { get; set; }
}

public sealed class KustomizeImage
{
    public string Name { get; set; } = "";

    public string? NewName { get; set; }

    public string? NewTag { get; set; }
}

public sealed class KustomizePatch
{
    public string? Path { get; set; }

    public string? Patch { get; set; }

    public KustomizePatchTarget? Target { get; set; }
}

public sealed class KustomizePatchTarget
{
    public string? Kind { get; set; }

    public string? Name { get; set; }

    public string? LabelSelector { get; set; }
}
