using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MlTrack.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="MlflowClient"/> for hosted applications.</summary>
public static class MlflowClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="MlflowClient"/> whose requests go through the named <see cref="HttpClient"/>
    /// <see cref="MlflowClient.HttpClientName"/> of IHttpClientFactory. Its options start from the MLFLOW_* environment
    /// variables, then <paramref name="configure"/> and any other <c>Configure&lt;MlflowClientOptions&gt;</c> apply.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options in code, after the environment is read.</param>
    /// <returns>The builder of the named HttpClient, to add handlers or configure its primary handler.</returns>
    public static IHttpClientBuilder AddMlflowClient(this IServiceCollection services, Action<MlflowClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MlflowClientOptions>().Configure(options => options.ApplyEnvironment());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<MlflowClientOptions>>().Value;
            var factory = provider.GetRequiredService<IHttpClientFactory>();
            return MlflowClient.WithHttpClientSource(options, () => factory.CreateClient(MlflowClient.HttpClientName));
        });
        return services.AddHttpClient(MlflowClient.HttpClientName, (provider, http) =>
            http.Timeout = provider.GetRequiredService<IOptions<MlflowClientOptions>>().Value.Timeout);
    }
}
