using System.Text.Json;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.ModelRegistry;

/// <summary>A real server per fixture, plus the registry calls the tests repeat. Every test names its own models.</summary>
public abstract class RegistryTestBase : ServerTestBase
{
    internal const string Models = "/api/2.0/mlflow/registered-models";
    internal const string Versions = "/api/2.0/mlflow/model-versions";

    /// <summary>A model name no other test uses.</summary>
    internal static string NewName(string hint = "model") => $"{hint}-{Guid.NewGuid():N}";

    internal async Task<string> CreateModelAsync(string? name = null, object? tags = null)
    {
        name ??= NewName();
        var response = await Server.PostAsync($"{Models}/create", tags is null ? new { name } : new { name, tags });
        response.EnsureOk();
        return name;
    }

    /// <summary>Creates a version from an mlflow-artifacts source and returns its version string.</summary>
    internal async Task<string> CreateVersionAsync(string name, string? source = null, string? runId = null)
    {
        var response = await Server.PostAsync($"{Versions}/create", new
        {
            name,
            source = source ?? $"mlflow-artifacts:/0/{Guid.NewGuid():N}/artifacts/model",
            run_id = runId,
        });
        response.EnsureOk();
        return response.Json.GetProperty("model_version").GetProperty("version").GetString()!;
    }

    internal Task<ApiResponse> PatchAsync(string path, object body) => Server.SendAsync(HttpMethod.Patch, path, JsonSerializer.Serialize(body));

    internal Task<ApiResponse> DeleteAsync(string path, object body) => Server.SendAsync(HttpMethod.Delete, path, JsonSerializer.Serialize(body));

    internal async Task<JsonElement> GetModelAsync(string name)
    {
        var response = await Server.GetAsync($"{Models}/get?name={Uri.EscapeDataString(name)}");
        response.EnsureOk();
        return response.Json.GetProperty("registered_model");
    }

    internal async Task<JsonElement> GetVersionAsync(string name, string version)
    {
        var response = await Server.GetAsync($"{Versions}/get?name={Uri.EscapeDataString(name)}&version={version}");
        response.EnsureOk();
        return response.Json.GetProperty("model_version");
    }

    internal async Task TransitionAsync(string name, string version, string stage, bool archive = false) =>
        (await Server.PostAsync($"{Versions}/transition-stage", new { name, version, stage, archive_existing_versions = archive })).EnsureOk();

    /// <summary>The elements of a repeated field, or none when MLflow's JSON left it out (empty).</summary>
    internal static IReadOnlyList<JsonElement> List(JsonElement parent, string field) =>
        parent.TryGetProperty(field, out var list) ? [.. list.EnumerateArray()] : [];

    internal static Dictionary<string, string> Tags(JsonElement parent) =>
        List(parent, "tags").ToDictionary(t => t.GetProperty("key").GetString()!, t => t.GetProperty("value").GetString()!);

    internal static string Str(JsonElement parent, string field) => parent.GetProperty(field).GetString()!;
}
