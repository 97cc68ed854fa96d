namespace Realtime.Fanout.ServerApi;

/// <summary>The <c>ServerApi</c> section: who may call the server API.</summary>
internal sealed class ServerApiOptions
{
    public const string SectionName = "ServerApi";

    /// <summary>The key callers send as <c>X-API-Key</c> (or <c>Authorization: apikey …</c>). Without one the API refuses every call.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Development only: accept calls without a key.</summary>
    public bool Insecure { get; set; }

    /// <summary>The second switch <see cref="Insecure"/> needs outside the Development environment.</summary>
    public bool AllowInsecureOutsideDevelopment { get; set; }

    public override string ToString() => $"ApiKey={(string.IsNullOrEmpty(ApiKey) ? "(unset)" : "(set)")}, Insecure={Insecure}";
}
