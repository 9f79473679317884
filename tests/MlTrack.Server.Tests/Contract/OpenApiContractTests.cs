using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Microsoft.OpenApi.YamlReader;
using MlTrack.Server.Tests.Auth;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Contract;

/// <summary>
/// openapi.yaml (repo root) describes exactly the routes the server maps, with and without --auth, parses cleanly and is
/// what the server serves.
/// </summary>
public sealed class OpenApiContractTests : ServerTestBase
{
    private static string DocumentPath
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MlTrack.sln")))
                {
                    return Path.Combine(dir.FullName, "openapi.yaml");
                }
            }

            throw new InvalidOperationException($"No MlTrack.sln above {TestContext.CurrentContext.TestDirectory}.");
        }
    }

    [Test]
    public void DocumentParsesWithoutErrors()
    {
        var (document, diagnostic) = Load();

        diagnostic.Errors.Should().BeEmpty(Describe(diagnostic.Errors));
        diagnostic.Warnings.Should().BeEmpty(Describe(diagnostic.Warnings));
        document.Should().NotBeNull();
        document!.Paths.Should().NotBeEmpty();
        var validationErrors = document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        validationErrors.Should().BeEmpty(Describe(validationErrors));
    }

    [Test]
    public async Task DocumentDescribesExactlyTheRoutesTheServerMaps()
    {
        var (document, diagnostic) = Load();
        diagnostic.Errors.Should().BeEmpty(Describe(diagnostic.Errors));

        var (documented, authOnly) = DocumentedRoutes(document!);
        var mapped = MappedRoutes(Server.Services);
        // The user and permission routes exist only with --auth: compare that route table too, so that an auth route
        // missing from the document, or one marked auth-only that is always mapped, fails here.
        await using var authServer = await AuthServer.StartAsync();
        var mappedWithAuth = MappedRoutes(authServer.Services);

        var differences = Differences("without --auth", documented.Except(authOnly).ToHashSet(StringComparer.Ordinal), mapped)
            + Differences("with --auth", documented, mappedWithAuth);
        if (differences.Length > 0)
        {
            Assert.Fail("openapi.yaml and the server's endpoint table must list the same \"METHOD path\" pairs."
                + " Operations marked x-mltrack-auth-only are mapped only with --auth." + Environment.NewLine + differences);
        }

        mapped.Should().Contain(["POST /api/2.0/mlflow/runs/log-batch", "POST /ajax-api/2.0/mlflow/runs/log-batch", "GET /health"]);
        authOnly.Should().Contain(["POST /api/2.0/mlflow/users/create", "PATCH /ajax-api/2.0/mlflow/experiments/permissions/update",
            "DELETE /api/2.0/mlflow/registered-models/permissions/delete", "POST /api/2.0/mlflow/users/tokens/create"]);
    }

    private static string Differences(string server, IReadOnlySet<string> documented, IReadOnlySet<string> mapped)
    {
        var missingFromDocument = mapped.Except(documented).Order(StringComparer.Ordinal).ToList();
        var notMapped = documented.Except(mapped).Order(StringComparer.Ordinal).ToList();
        if (missingFromDocument.Count + notMapped.Count == 0)
        {
            return "";
        }

        var nl = Environment.NewLine;
        return $"Mapped by the server {server} but missing from openapi.yaml ({missingFromDocument.Count}):{nl}  "
            + string.Join(nl + "  ", missingFromDocument) + nl
            + $"In openapi.yaml but not mapped by the server {server} ({notMapped.Count}):{nl}  "
            + string.Join(nl + "  ", notMapped) + nl;
    }

    [Test]
    public async Task ServerServesTheYamlFileVerbatim()
    {
        using var response = await Server.Client.GetAsync(new Uri("/openapi.yaml", UriKind.Relative));
        var served = await response.Content.ReadAsByteArrayAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/yaml");
        Encoding.UTF8.GetString(served).Should().Be(await File.ReadAllTextAsync(DocumentPath));
        served.Should().Equal(await File.ReadAllBytesAsync(DocumentPath));
    }

    [Test]
    public async Task ServerServesTheGeneratedJsonDocument()
    {
        using var response = await Server.Client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        using var json = JsonDocument.Parse(body);
        json.RootElement.TryGetProperty("openapi", out _).Should().BeTrue(body);
    }

    private static (OpenApiDocument? Document, OpenApiDiagnostic Diagnostic) Load()
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        var (document, diagnostic) = OpenApiDocument.Parse(File.ReadAllText(DocumentPath), OpenApiConstants.Yaml, settings);
        return (document, diagnostic ?? throw new AssertionException("The reader returned no diagnostic."));
    }

    /// <summary>Every "METHOD path" of the document, and those of operations marked <c>x-mltrack-auth-only: true</c>.</summary>
    private static (HashSet<string> All, HashSet<string> AuthOnly) DocumentedRoutes(OpenApiDocument document)
    {
        var routes = new HashSet<string>(StringComparer.Ordinal);
        var authOnly = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document.Paths)
        {
            if (item.Operations is not { Count: > 0 } operations)
            {
                // A path item whose $ref does not resolve has no operations; it can never match a mapped route.
                routes.Add($"(no operations: unresolved $ref?) {path}");
                continue;
            }

            foreach (var (method, operation) in operations)
            {
                var route = $"{method.Method.ToUpperInvariant()} {path}";
                routes.Add(route);
                if (operation.Extensions?.TryGetValue("x-mltrack-auth-only", out var marker) == true
                    && marker is JsonNodeExtension { Node: JsonValue value } && value.TryGetValue<bool>(out var only) && only)
                {
                    authOnly.Add(route);
                }
            }
        }

        return (routes, authOnly);
    }

    private static HashSet<string> MappedRoutes(IServiceProvider services)
    {
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            // Endpoints without HTTP method metadata (fallbacks such as 405 handlers) are not API routes.
            if (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods)
            {
                continue;
            }

            // A catch-all {**path} is an OpenAPI path parameter {path}.
            var path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/').Replace("{**", "{", StringComparison.Ordinal);
            foreach (var method in methods.HttpMethods)
            {
                routes.Add($"{method.ToUpperInvariant()} {path}");
            }
        }

        return routes;
    }

    private static string Describe(IEnumerable<OpenApiError> errors) =>
        string.Join(Environment.NewLine, errors.Select(e => $"{e.Pointer}: {e.Message}"));
}
