using System.Text;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Artifacts;

/// <summary>
/// Replays path-traversal requests (MLflow's own test corpus and the requests of CVE-2023-1177, CVE-2023-2780,
/// CVE-2023-6831, CVE-2024-1483 and relatives) on every artifact route: all are refused with 4xx and no byte
/// of a file outside the artifact root ever comes back or gets written.
/// </summary>
public sealed class PathTraversalTests : ServerTestBase
{
    private const string Secret = "TOP-SECRET-OUTSIDE-THE-ROOT";

    // Relative to the artifacts root, "../secret.txt" names the file planted beside it.
    internal static readonly string[] Payloads =
    [
        "../secret.txt", "../../secret.txt", "./../secret.txt", "a/../../secret.txt", "a/b/../../../secret.txt",
        "..%2Fsecret.txt", "%2E%2E%2Fsecret.txt", "%2e%2e/secret.txt", "%252e%252e%252fsecret.txt", "%25252e%25252e/secret.txt",
        "..%5Csecret.txt", "..\\secret.txt", "/etc/passwd", "//etc/passwd", "/etc/passwd%00.jpg",
        "%2Fetc%2Fpasswd", "file:///etc/passwd", "/file://etc/passwd", "file://a#/..//tmp", "file://a%23/..//tmp/",
        "%2%0952e%2%0952e/%2%0A52e%2%0A52e/secret.txt", "C:/Windows/win.ini", "C:%5CWindows%5Cwin.ini", "a#/../../secret.txt",
        "a?/../../secret.txt", "..%00/secret.txt", "..%c0%af..%c0%afsecret.txt", "%c0%ae%c0%ae/secret.txt",
    ];

    private string _runId = "";

    [OneTimeSetUp]
    public async Task PlantASecretAndARunAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(Server.Directory, "secret.txt"), Secret);
        _runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());
    }

    public static IEnumerable<TestCaseData> Requests()
    {
        foreach (var payload in Payloads)
        {
            var query = Uri.EscapeDataString(payload);
            // In a request path a raw '?' or '#' ends the path, so the payload would not be in it.
            if (!payload.Contains('?', StringComparison.Ordinal) && !payload.Contains('#', StringComparison.Ordinal))
            {
                yield return Case("GET", $"/api/2.0/mlflow-artifacts/artifacts/{payload}");
                yield return Case("GET", $"/ajax-api/2.0/mlflow-artifacts/artifacts/{payload}");
                yield return Case("PUT", $"/api/2.0/mlflow-artifacts/artifacts/{payload}");
                yield return Case("DELETE", $"/api/2.0/mlflow-artifacts/artifacts/{payload}");
            }

            yield return Case("GET", $"/api/2.0/mlflow-artifacts/artifacts?path={query}");
            yield return Case("GET", $"/api/2.0/mlflow-artifacts/artifacts?path={payload}");
            yield return Case("GET", $"/api/2.0/mlflow/artifacts/list?run_id=RUN&path={query}");
            yield return Case("GET", $"/ajax-api/2.0/mlflow/artifacts/list?run_uuid=RUN&path={query}");
            yield return Case("GET", $"/get-artifact?run_uuid=RUN&path={query}");
            yield return Case("GET", $"/get-artifact?run_id=RUN&path={payload}");
        }
    }

    private static TestCaseData Case(string method, string target) => new TestCaseData(method, target).SetArgDisplayNames(method, target);

    [TestCaseSource(nameof(Requests))]
    public async Task IsRefusedWith4xxAndLeaksNothing(string method, string target)
    {
        var body = method == "PUT" ? Encoding.UTF8.GetBytes("overwritten") : null;

        var (status, response) = await RawHttp.SendAsync(Server.BaseAddress, method, target.Replace("RUN", _runId, StringComparison.Ordinal), body);

        status.Should().BeInRange(400, 499, response);
        response.Should().NotContain(Secret).And.NotContain("root:x:0:0");
        (await File.ReadAllTextAsync(Path.Combine(Server.Directory, "secret.txt"))).Should().Be(Secret);
    }

    [TestCase("http:///#/../../../../../../../../etc/")]
    [TestCase("http://localhost/#/../../../../../../../../etc/")]
    [TestCase("http://localhost/a;params/")]
    [TestCase("http://localhost/a?x=../../etc")]
    [TestCase("mlflow-artifacts:/../../")]
    [TestCase("mlflow-artifacts:/%2e%2e/%2e%2e/")]
    public async Task ExperimentArtifactLocationsThatEscapeAreRefusedAtCreation(string location)
    {
        var response = await Server.PostAsync("/api/2.0/mlflow/experiments/create", new { name = Guid.NewGuid().ToString(), artifact_location = location });

        response.Status.Should().Be(400);
        response.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
    }

    [Test]
    public async Task ASymlinkInsideTheRootThatLeadsOutIsNotFollowed()
    {
        var root = Path.Combine(Server.Directory, "mlartifacts", "linked");
        Directory.CreateDirectory(root);
        File.CreateSymbolicLink(Path.Combine(root, "escape"), Server.Directory);

        var read = await Server.GetAsync("/api/2.0/mlflow-artifacts/artifacts/linked/escape/secret.txt");
        var list = await Server.GetAsync("/api/2.0/mlflow-artifacts/artifacts?path=linked/escape");
        var write = await RawHttp.SendAsync(Server.BaseAddress, "PUT", "/api/2.0/mlflow-artifacts/artifacts/linked/escape/secret.txt", Encoding.UTF8.GetBytes("x"));

        read.Status.Should().Be(400);
        read.Body.Should().NotContain(Secret);
        list.Status.Should().Be(400);
        write.Status.Should().Be(400);
        (await File.ReadAllTextAsync(Path.Combine(Server.Directory, "secret.txt"))).Should().Be(Secret);
    }

    [Test]
    public async Task ASymlinkThatStaysInsideTheRootIsFollowed()
    {
        var root = Path.Combine(Server.Directory, "mlartifacts", "inside");
        Directory.CreateDirectory(Path.Combine(root, "real"));
        await File.WriteAllTextAsync(Path.Combine(root, "real", "f.txt"), "ok");
        File.CreateSymbolicLink(Path.Combine(root, "alias"), Path.Combine(root, "real"));

        (await Server.Client.GetStringAsync("/api/2.0/mlflow-artifacts/artifacts/inside/alias/f.txt")).Should().Be("ok");
    }
}

/// <summary>The registry side of the advisories: version sources that point outside any run (CVE-2023-1177, CVE-2023-2780 and relatives).</summary>
public sealed class RegistrySourceTraversalTests : ServerTestBase
{
    [TestCase("file:///etc/")]
    [TestCase("/etc/")]
    [TestCase("file://\\\\..\\\\..\\\\etc")]
    [TestCase("file:///tmp/../etc/")]
    [TestCase("mlflow-artifacts:/../../../etc/")]
    [TestCase("mlflow-artifacts://host:9000/models/../../../")]
    [TestCase("http://host:9000/models/../../../")]
    [TestCase("https://host/api/2.0/mlflow-artifacts/artifacts/../../../")]
    [TestCase("s3a://my_bucket/api/2.0/mlflow-artifacts/artifacts/%2e%2e/%2e%2e/")]
    [TestCase("//proc/self/root")]
    public async Task AVersionSourcedOutsideItsRunCannotBeCreatedOrRead(string source)
    {
        var name = $"traversal-{Guid.NewGuid():N}";
        (await Server.PostAsync("/ajax-api/2.0/mlflow/registered-models/create", new { name })).EnsureOk();

        var created = await Server.PostAsync("/ajax-api/2.0/mlflow/model-versions/create", new { name, source });
        var read = await Server.GetAsync($"/model-versions/get-artifact?name={name}&version=1&path=passwd");

        created.Status.Should().BeInRange(400, 499, created.Body);
        read.Status.Should().BeInRange(400, 499);
        read.Body.Should().NotContain("root:x:0:0");
    }

    [Test]
    public async Task ALocalSourceMustLieUnderTheArtifactsOfItsRun()
    {
        var name = $"traversal-{Guid.NewGuid():N}";
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());
        (await Server.PostAsync("/api/2.0/mlflow/registered-models/create", new { name })).EnsureOk();

        var created = await Server.PostAsync("/api/2.0/mlflow/model-versions/create", new { name, source = "/etc", run_id = runId });

        created.Status.Should().Be(400);
    }
}
