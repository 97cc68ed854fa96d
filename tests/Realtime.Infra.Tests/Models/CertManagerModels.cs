namespace Realtime.Infra.Tests.Models;

/// <summary>cert-manager.io/v1 ClusterIssuer.</summary>
public sealed class ClusterIssuer : CustomResource<ClusterIssuerSpec>;

public sealed class ClusterIssuerSpec
{
    public EmptyObject? SelfSigned { get; set; }

    public AcmeIssuer? Acme { get; set; }
}

public sealed class AcmeIssuer
{
    public string Server { get; set; } = "";

    public string Email { get; set; } = "";

    public SecretName PrivateKeySecretRef { get; set; } = new();

    public List<AcmeSolver> Solvers { get; set; } = [];
}

public sealed class SecretName
{
    public string Name { get; set; } = "";
}

public sealed class AcmeSolver
{
    public Http01Solver? Http01 { get; set; }
}

public sealed class Http01Solver
{
    public Http01Ingress? Ingress { get; set; }
}

public sealed class Http01Ingress
{
    public string? IngressClassName { get; set; }
}
