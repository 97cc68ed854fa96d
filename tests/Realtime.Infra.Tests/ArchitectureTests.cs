using System.Text.RegularExpressions;
using System.Xml.Linq;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>
/// The project graph stays inside what docs/architecture.md allows: every non-test project is in
/// its table, and each of its project references is one the table lists for it.
/// </summary>
public sealed partial class ArchitectureTests
{
    [Fact]
    public void Every_project_reference_is_one_the_architecture_document_allows()
    {
        var allowed = AllowedReferences();
        var projects = ProjectFiles().Where(path => !IsUnder(path, "tests")).ToList();
        Assert.NotEmpty(projects);

        foreach (var path in projects)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            Assert.True(allowed.TryGetValue(name, out var mayReference), $"{name} is not in docs/architecture.md's table");
            foreach (var reference in ProjectReferences(path))
            {
                Assert.True(mayReference.Contains(reference), $"{name} → {reference} is not an arrow docs/architecture.md allows");
            }
        }
    }

    [Fact]
    public void The_documents_table_names_only_projects_that_exist()
    {
        var existing = Directory.EnumerateFiles(RepositoryPaths.Root, "*.csproj", SearchOption.AllDirectories).Select(Path.GetFileNameWithoutExtension).ToHashSet();
        foreach (var (project, references) in AllowedReferences())
        {
            Assert.Contains(project, existing);
            Assert.All(references, reference => Assert.Contains(reference, existing));
        }
    }

    [Fact]
    public void Every_project_folder_has_its_projects_name()
    {
        foreach (var path in ProjectFiles().Where(path => !IsUnder(path, "AppHost") && !IsUnder(path, "ServiceDefaults")))
        {
            Assert.Equal(Path.GetFileNameWithoutExtension(path), Path.GetFileName(Path.GetDirectoryName(path)));
        }
    }

    /// <summary>
    /// Code above the port never names a transport: only a service's composition root offers
    /// them to <c>AddPublicationLog</c>.
    /// </summary>
    [Fact]
    public void Only_composition_roots_name_a_log_transport()
    {
        var services = Path.Combine(RepositoryPaths.Root, "Services");
        var named = Directory.EnumerateFiles(services, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path))
            .Where(path => !IsBuildOutput(path)
                && !path.StartsWith(Path.Combine("Services", "Realtime.Messaging."), StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}Extensions{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && TransportNamespace().IsMatch(File.ReadAllText(Path.Combine(RepositoryPaths.Root, path))))
            .ToList();

        Assert.True(named.Count == 0, $"these name a log transport outside a composition root: {string.Join(", ", named)}");
    }

    /// <summary>
    /// Nor does it speak a transport's protocol under another name: reading a stream as a
    /// consumer group, its pending entries and its acknowledgements are the Redis Streams log's
    /// business (a handler that completes a batch in its own script takes the log's part of the
    /// script from the transport), in C# and in Lua alike.
    /// </summary>
    [Fact]
    public void Only_the_redis_streams_transport_reads_or_acknowledges_a_consumer_group()
    {
        var services = Path.Combine(RepositoryPaths.Root, "Services");
        var speaking = Directory.EnumerateFiles(services, "*.*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".cs", StringComparison.Ordinal) || path.EndsWith(".lua", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path))
            .Where(path => !IsBuildOutput(path)
                && !path.StartsWith(Path.Combine("Services", "Realtime.Messaging.RedisStreams") + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && ConsumerGroupCommand().IsMatch(File.ReadAllText(Path.Combine(RepositoryPaths.Root, path))))
            .ToList();

        Assert.True(speaking.Count == 0, $"these speak the Redis Streams log's consumer-group protocol: {string.Join(", ", speaking)}");
    }

    /// <summary>
    /// One visibility rule: a type is internal unless another assembly needs it. Nothing
    /// references a service's assembly, so its types are all internal (its tests and these
    /// infrastructure tests see them through InternalsVisibleTo).
    /// </summary>
    [Theory]
    [InlineData("Realtime.Gateway")]
    [InlineData("Realtime.Fanout")]
    [InlineData("Realtime.History")]
    [InlineData("Realtime.Presence")]
    public void A_services_types_are_internal(string project)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "Services", project);
        var exposed = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(path)
                && PublicTypeDeclaration().IsMatch(File.ReadAllText(path)))
            .Select(path => Path.GetRelativePath(folder, path))
            .ToList();

        Assert.True(exposed.Count == 0, $"{project} declares public types in: {string.Join(", ", exposed)}");
    }

    private static IEnumerable<string> ProjectFiles() =>
        Directory.EnumerateFiles(RepositoryPaths.Root, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(path));

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    private static Dictionary<string, HashSet<string>> AllowedReferences()
    {
        var table = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(RepositoryPaths.Root, "docs", "architecture.md")))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 5 || !cells[1].StartsWith("`Realtime.", StringComparison.Ordinal))
            {
                continue;
            }

            table[cells[1].Trim('`')] = [.. ProjectName().Matches(cells[3]).Select(m => m.Groups[1].Value)];
        }

        Assert.NotEmpty(table);
        return table;
    }

    private static IEnumerable<string> ProjectReferences(string project) =>
        XDocument.Load(project).Descendants("ProjectReference")
            .Select(reference => Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar)));

    private static bool IsUnder(string path, string folder) =>
        Path.GetRelativePath(RepositoryPaths.Root, path).StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    [GeneratedRegex(@"^public (?:(?:sealed|static|abstract|readonly|partial) )*(?:class|record|struct|enum|interface)\b", RegexOptions.Multiline)]
    private static partial Regex PublicTypeDeclaration();

    [GeneratedRegex("Realtime\\.Messaging\\.(RedisStreams|Kafka|Dapr)\\b")]
    private static partial Regex TransportNamespace();

    [GeneratedRegex(@"\b(XACK|XPENDING|XREADGROUP|XAUTOCLAIM|XCLAIM|StreamAcknowledge\w*|StreamReadGroup\w*|StreamPending\w*|StreamAutoClaim\w*|StreamClaim\w*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ConsumerGroupCommand();

    [GeneratedRegex("`(Realtime\\.[A-Za-z.]+)`")]
    private static partial Regex ProjectName();
}
