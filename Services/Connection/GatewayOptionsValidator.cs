using Microsoft.Extensions.Options;

namespace Realtime.Connection;

/// <summary>
/// Start-up checks of <see cref="GatewayOptions"/> beyond its ranges: insecure mode (no token
/// checked, every permission granted) runs only in Development, unless a second, explicit switch
/// says it may run elsewhere.
/// </summary>
internal sealed class GatewayOptionsValidator(IHostEnvironment environment) : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options) =>
        options.ClientInsecure && !environment.IsDevelopment() && !options.AllowInsecureOutsideDevelopment
            ? ValidateOptionsResult.Fail(
                $"Gateway:ClientInsecure grants every client everything; it is refused in the {environment.EnvironmentName} environment " +
                "unless Gateway:AllowInsecureOutsideDevelopment is set as well")
            : ValidateOptionsResult.Success;
}
