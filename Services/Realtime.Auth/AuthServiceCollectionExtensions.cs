using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Realtime.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>Bounds a JWKS fetch; verifications waiting on it are released when it gives up.</summary>
    private static readonly TimeSpan JwksFetchTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A key set is a few kilobytes; more is a misconfigured or hostile endpoint.</summary>
    private const long JwksMaxResponseBytes = 1024 * 1024;

    /// <summary>
    /// Registers <see cref="ITokenVerifier"/> with <see cref="TokenOptions"/> bound from <paramref name="section"/>
    /// (normally <c>Gateway:Token</c>) and validated at start-up, plus the <c>jwks</c> HttpClient.
    /// Uses a registered <see cref="TimeProvider"/>, else <see cref="TimeProvider.System"/>.
    /// </summary>
    public static IServiceCollection AddTokenVerification(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<TokenOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenOptions>, TokenOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(TokenVerifier.JwksHttpClientName, client =>
        {
            client.Timeout = JwksFetchTimeout;
            client.MaxResponseContentBufferSize = JwksMaxResponseBytes;
        });
        services.TryAddSingleton<ITokenVerifier, TokenVerifier>();
        return services;
    }
}
