using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MlTrack.Cli.Serving;

/// <summary>Where and how to serve.</summary>
internal sealed record ScoringServerOptions
{
    /// <summary>An IP address, or <c>localhost</c>.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port; 0 picks a free one (see <see cref="ScoringServer.BaseAddress"/>).</summary>
    public int Port { get; init; } = 5000;

    /// <summary>How often an alias is polled.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the server's log goes: standard error by default.</summary>
    public Action<ILoggingBuilder> ConfigureLogging { get; init; } = logging =>
        logging.AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter("Microsoft", LogLevel.Warning)
            .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
}

/// <summary>The scoring server: Kestrel with <see cref="ScoringEndpoints"/> over a <see cref="ServedModel"/>, and an
/// <see cref="AliasFollower"/> when the model is an alias.</summary>
internal sealed class ScoringServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScoringServer(WebApplication app, ServedModel served, Uri baseAddress)
    {
        _app = app;
        Served = served;
        BaseAddress = baseAddress;
    }

    public ServedModel Served { get; }

    /// <summary>The address it listens on, with the actual port when 0 was asked for.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Loads the model and starts serving it.</summary>
    /// <exception cref="ArgumentException">The host is not an IP address or localhost.</exception>
    public static async Task<ScoringServer> StartAsync(
        ModelReference reference, ModelLoader loader, ScoringServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(options);
        var address = options.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(options.Host, out var parsed) ? parsed
            : throw new ArgumentException($"--host must be an IP address such as 127.0.0.1 or localhost, not '{options.Host}'.");
        var served = new ServedModel(await loader.LoadAsync(reference, cancellationToken));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        options.ConfigureLogging(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.Port);
            kestrel.AddServerHeader = false;
        });
        if (reference.FollowsAlias)
        {
            builder.Services.AddHostedService(services => new AliasFollower(
                served, loader, reference, options.PollInterval, options.TimeProvider, services.GetRequiredService<ILogger<AliasFollower>>()));
        }
        var app = builder.Build();
        ScoringEndpoints.Map(app, served);
        await app.StartAsync(cancellationToken);
        var listening = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ScoringServer(app, served, new Uri(listening));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
