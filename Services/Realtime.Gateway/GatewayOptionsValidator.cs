using Microsoft.Extensions.Options;

namespace Realtime.Gateway;

/// <summary>
/// Start-up checks of <see cref="GatewayOptions"/> beyond its ranges: insecure mode (no token
/// checked, every permission granted) runs only in Development, unless a second, explicit switch
/// says it may run elsewhere; a reply fits in a client's queue.
/// </summary>
internal sealed class GatewayOptionsValidator(IHostEnvironment environment) : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        if (options.ClientInsecure && !environment.IsDevelopment() && !options.AllowInsecureOutsideDevelopment)
        {
            errors.Add($"Gateway:ClientInsecure grants every client everything; it is refused in the {environment.EnvironmentName} environment " +
                "unless Gateway:AllowInsecureOutsideDevelopment is set as well");
        }

        if (options.MaxReplyBytes > 0 && options.MaxReplyBytes >= options.MaxQueuedBytes)
        {
            errors.Add("Gateway:MaxReplyBytes must be below Gateway:MaxQueuedBytes (one reply must not fill a client's queue)");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
