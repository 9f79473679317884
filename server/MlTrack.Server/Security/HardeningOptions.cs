namespace MlTrack.Server.Security;

/// <summary>Defences on by default, with or without --auth: Host allow-list (DNS rebinding), CORS origins.</summary>
internal sealed record HardeningOptions
{
    /// <summary>Accepted Host header names (port ignored); "*" accepts any, "*.example.com" a domain's hosts. Empty: loopback and --host.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Origins allowed cross-origin calls ("http://app.example:8080", "*" for any). Empty: loopback origins on any port.</summary>
    public IReadOnlyList<string> CorsAllowedOrigins { get; init; } = [];
}
