using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Realtime.Channels;

public static class ChannelsExtensions
{
    /// <summary>Binds and validates the <c>Channels</c> section; a bad namespace stops start-up.</summary>
    public static IHostApplicationBuilder AddChannelNamespaces(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChannelsOptions>()
            .Bind(builder.Configuration.GetSection(ChannelsOptions.SectionName))
            .Validate(ChannelsOptionsValidation.IsValid, ChannelsOptionsValidation.Rules)
            .ValidateOnStart();
        builder.Services.AddSingleton<ChannelNamespaces>();
        return builder;
    }
}
