namespace Realtime.Infra.Tests.Models;

/// <summary>gateway.networking.k8s.io/v1 HTTPRoute, typed down to the fields the manifests use.</summary>
public sealed class HttpRoute : CustomResource<HttpRouteSpec>;

public sealed class HttpRouteSpec
{
    public List<ParentReference> ParentRefs { get; set; } = [];

    public List<string> Hostnames { get; set; } = [];

    public List<HttpRouteRule> Rules { get; set; } = [];
}

public sealed class ParentReference
{
    public string Name { get; set; } = "";

    public string? Namespace { get; set; }

    public string? SectionName { get; set; }
}

public sealed class HttpRouteRule
{
    public List<HttpRouteMatch> Matches { get; set; } = [];

    public List<BackendReference> BackendRefs { get; set; } = [];

    public HttpRouteTimeouts? Timeouts { get; set; }
}

public sealed class HttpRouteMatch
{
    public HttpPathMatch Path { get; set; } = new();
}

public sealed class HttpPathMatch
{
    public string Type { get; set; } = "";

    public string Value { get; set; } = "";
}

public sealed class BackendReference
{
    public string Name { get; set; } = "";

    public int Port { get; set; }
}

public sealed class HttpRouteTimeouts
{
    public string? Request { get; set; }

    public string? BackendRequest { get; set; }
}
