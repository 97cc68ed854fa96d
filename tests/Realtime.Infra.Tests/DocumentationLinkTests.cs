using System.Text.RegularExpressions;
using Realtime.Infra.Tests.Support;

namespace Realtime.Infra.Tests;

/// <summary>The documentation's links between its own files lead somewhere (README, docs/, infra/, Clients/).</summary>
public sealed partial class DocumentationLinkTests
{
    public static TheoryData<string> Documents() => new(
        new[] { "README.md", "infra/README.md", "Clients/Realtime.Client/README.md" }
            .Concat(Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md", SearchOption.AllDirectories).Select(RepositoryPaths.Relative))
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_points_at_a_file_that_exists(string document)
    {
        var path = Path.Combine(RepositoryPaths.Root, document);
        var broken = RelativeLink().Matches(File.ReadAllText(path))
            .Select(m => m.Groups["target"].Value)
            .Where(target => !File.Exists(Path.Combine(Path.GetDirectoryName(path)!, target)) && !Directory.Exists(Path.Combine(Path.GetDirectoryName(path)!, target)))
            .ToList();

        Assert.True(broken.Count == 0, $"{document} links to what does not exist: {string.Join(", ", broken)}");
    }

    /// <summary>Markdown links to a path (not a URL, not an in-page anchor), without their #fragment.</summary>
    [GeneratedRegex(@"\]\((?!https?:|mailto:|#)(?<target>[^)#\s]+)(?:#[^)]*)?\)")]
    private static partial Regex RelativeLink();
}
