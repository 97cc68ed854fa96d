namespace Realtime.Infra.Tests.Support;

/// <summary>Where the repository and its deployment files are, found from the test's own location.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    public static string Kubernetes => Path.Combine(Infra, "k8s");

    public static string Backing => Path.Combine(Infra, "backing");

    public static string AzureYaml => Path.Combine(Root, "azure.yaml");

    public static string Readme => Path.Combine(Infra, "README.md");

    /// <summary>A path relative to the repository root, with forward slashes (as the README writes them).</summary>
    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    public static string Compose => Path.Combine(Infra, "compose");

    /// <summary>
    /// Every YAML file under infra/, plus azure.yaml, except the compose file (docker-compose
    /// renders and checks that one: ComposeTests).
    /// </summary>
    public static IEnumerable<string> YamlFiles() =>
        Directory.EnumerateFiles(Infra, "*.yaml", SearchOption.AllDirectories)
            .Where(file => !file.StartsWith(Compose + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Append(AzureYaml)
            .Order(StringComparer.Ordinal);

    /// <summary>Directories holding a kustomization.yaml, relative to the root.</summary>
    public static IEnumerable<string> KustomizationDirectories() =>
        Directory.EnumerateFiles(Infra, "kustomization.yaml", SearchOption.AllDirectories)
            .Select(file => Relative(Path.GetDirectoryName(file)!))
            .Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Realtime.Aspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Realtime.Aspire.sln above {AppContext.BaseDirectory}");
    }
}
