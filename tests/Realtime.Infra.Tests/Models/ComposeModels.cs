using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Realtime.Infra.Tests.Models;

/// <summary>A compose file as <c>docker-compose config</c> renders it (anchors, merges and variables resolved).</summary>
public sealed class ComposeFile
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    public string? Version { get; set; }

    public Dictionary<string, ComposeService> Services { get; set; } = [];

    public Dictionary<string, object?> Volumes { get; set; } = [];

    public static ComposeFile Parse(string yaml) => Deserializer.Deserialize<ComposeFile>(yaml);
}

public sealed class ComposeService
{
    public string Image { get; set; } = "";

    public List<string> Entrypoint { get; set; } = [];

    public Dictionary<string, string> Environment { get; set; } = [];

    public Dictionary<string, ComposeDependency> DependsOn { get; set; } = [];

    public List<string> Volumes { get; set; } = [];

    /// <summary>Short ("127.0.0.1:9000:9000/tcp") or long (published/target) syntax, as the renderer leaves them.</summary>
    public List<object> Ports { get; set; } = [];

    public ComposeHealthcheck? Healthcheck { get; set; }

    public string? Restart { get; set; }

    public bool ReadOnly { get; set; }

    public List<string> Tmpfs { get; set; } = [];

    public string? StopGracePeriod { get; set; }

    public Dictionary<string, ComposeLimit> Ulimits { get; set; } = [];

    /// <summary>The named volume mounted at <paramref name="target"/>, if any.</summary>
    public string? VolumeAt(string target) =>
        Volumes.Select(v => v.Split(':')).Where(parts => parts.Length >= 2 && parts[1] == target).Select(parts => parts[0]).SingleOrDefault();

    /// <summary>Published ports as "host-ip:published:target" ("" for all interfaces).</summary>
    public IEnumerable<string> PublishedPorts() => Ports.Select(port => port switch
    {
        string text when text.Split('/')[0].Split(':') is { Length: 3 } p => $"{p[0]}:{p[1]}:{p[2]}",
        string text when text.Split('/')[0].Split(':') is { Length: 2 } p => $":{p[0]}:{p[1]}",
        IDictionary<object, object> map => $"{(map.TryGetValue("host_ip", out var ip) ? ip : "")}:{map["published"]}:{map["target"]}",
        _ => throw new InvalidOperationException($"unrecognised port {port}"),
    });
}

public sealed class ComposeLimit
{
    public int Soft { get; set; }

    public int Hard { get; set; }
}

public sealed class ComposeDependency
{
    public string Condition { get; set; } = "";
}

public sealed class ComposeHealthcheck
{
    public List<string> Test { get; set; } = [];

    public string? Interval { get; set; }

    public string? Timeout { get; set; }

    public int? Retries { get; set; }
}
