using Microsoft.Playwright;
using MlTrack.Server.Auth;
using MlTrack.Ui.Tests.Support;

namespace MlTrack.Ui.Tests;

/// <summary>
/// The browser UI of a server started with --auth: the browser's sign-in prompt (answered by Playwright's credentials,
/// as a person would type them), what each user sees, and how the UI words a refusal.
/// </summary>
public sealed class AuthUiTests : UiTestBase
{
    private const string Admin = "admin";
    private const string AdminPassword = "admin passphrase for the ui";
    private const string Reader = "reader";
    private const string ReaderPassword = "reader passphrase";
    private const string Challenge = "Basic realm=\"mlflow\"";

    private string _secretRunId = "";

    // As users run it: --auth with the first admin and the default permission (READ) for users without a grant.
    private protected override Task<UiServer> StartServerAsync() =>
        UiServer.StartAsync(auth: new AuthOptions { Enabled = true, AdminUsername = Admin, AdminPassword = AdminPassword });

    [OneTimeSetUp]
    public async Task CreateReaderAsync()
    {
        // The reader may read the retraining experiment and nothing of the spare one, which gets a run to ask for.
        _secretRunId = await Server.CreateRunAsync(Seed.SpareExperimentId, "secret-run", SeedData.Start);
        await Server.PostAsync("users/create", new { username = Reader, password = ReaderPassword });
        await Server.PostAsync("experiments/permissions/create", new { experiment_id = Seed.RetrainingId, username = Reader, permission = "READ" });
        await Server.PostAsync("experiments/permissions/create", new { experiment_id = Seed.SpareExperimentId, username = Reader, permission = "NO_PERMISSIONS" });
    }

    [Test]
    public async Task WithoutCredentialsThePageItsFilesAndItsDataAskForASignIn()
    {
        var page = await PageThatCancelsTheSignInPromptAsync();
        var response = await page.GotoAsync("/#/experiments");
        response!.Status.Should().Be(401);
        (await response.HeaderValueAsync("www-authenticate")).Should().Be(Challenge);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in required");
        await Expect(page.Locator("body")).ToContainTextAsync("enter them in the browser's sign-in prompt");
        await Expect(page.Locator("body")).Not.ToContainTextAsync(SeedData.RetrainingExperiment);
        await ScreenshotAsync(page, "auth-signed-out");

        // What the UI loads and fetches (its scripts, the API and both artifact routes) is refused the same way.
        string[] paths =
        [
            "/js/app.js",
            "/app.css",
            "/ajax-api/2.0/mlflow/experiments/search?max_results=10",
            $"/ajax-api/2.0/mlflow/runs/get?run_id={Seed.ChampionRunId}",
            $"/get-artifact?run_uuid={Seed.ChampionRunId}&path=notes.txt",
            $"/ajax-api/2.0/mlflow-artifacts/artifacts/{Seed.RetrainingId}/{Seed.ChampionRunId}/artifacts/notes.txt",
        ];
        var answers = await page.EvaluateAsync<string[]>(
            "paths => Promise.all(paths.map(p => fetch(p).then(async r => `${p} ${r.status} ${r.headers.get('www-authenticate')} ${await r.text()}`)))",
            paths);
        answers.Should().HaveCount(paths.Length);
        foreach (var (path, answer) in paths.Zip(answers))
        {
            answer.Should().StartWith($"{path} 401 {Challenge} ").And.Contain("UNAUTHENTICATED").And.NotContain("Retrained after new data");
        }
    }

    [Test]
    public async Task TheAdminSeesEveryExperimentRunChartAndArtifact()
    {
        var page = await NewPageAsync(Credentials(Admin, AdminPassword));
        await page.GotoAsync("/#/experiments");
        var experiments = page.Locator("table.experiments");
        await Expect(experiments).ToContainTextAsync(SeedData.RetrainingExperiment);
        await Expect(experiments).ToContainTextAsync("scratch-experiment");
        await ScreenshotAsync(page, "auth-admin-experiments");

        await experiments.GetByRole(AriaRole.Link, new() { Name = SeedData.RetrainingExperiment }).ClickAsync();
        await Expect(page.Locator("table.runs tbody tr")).ToHaveCountAsync(100);
        await Expect(page.Locator("table.runs tbody tr").First).ToContainTextAsync("retrain-129");

        await page.GotoAsync($"/#/runs/{Seed.ChampionRunId}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("retrain-007");
        await Expect(page.Locator(".chart[data-metric=rmse][data-ready=true]")).ToHaveAttributeAsync("data-points", "30");
        await Expect(page.Locator("table.versions")).ToContainTextAsync(SeedData.ModelName);
        var preview = page.Locator(".preview");
        await page.GetByRole(AriaRole.Link, new() { Name = "notes.txt" }).ClickAsync();
        await Expect(preview.Locator("pre.code")).ToHaveTextAsync("Retrained after new data arrived.");
        await ScreenshotAsync(page, "auth-admin-run");

        // An <img> and a download are requests of the browser's own: they carry the sign-in too.
        var download = await page.RunAndWaitForDownloadAsync(() => preview.GetByRole(AriaRole.Link, new() { Name = "Download" }).ClickAsync());
        var saved = Path.Combine(TestContext.CurrentContext.WorkDirectory, "auth-downloaded-notes.txt");
        await download.SaveAsAsync(saved);
        (await File.ReadAllTextAsync(saved)).Should().Be("Retrained after new data arrived.");
        await page.GetByRole(AriaRole.Button, new() { Name = "▸ plots/" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "predicted_vs_actual.png" }).ClickAsync();
        (await preview.Locator("img").EvaluateAsync<int>("img => img.decode().then(() => img.naturalWidth)")).Should().Be(2);
    }

    [Test]
    public async Task AReaderSeesOnlyWhatItMayReadAndIsToldWhenItMayNot()
    {
        var page = await NewPageAsync(Credentials(Reader, ReaderPassword));
        await page.GotoAsync("/#/experiments");
        var experiments = page.Locator("table.experiments");
        await Expect(experiments).ToContainTextAsync(SeedData.RetrainingExperiment);
        await Expect(experiments).Not.ToContainTextAsync("scratch-experiment");
        await ScreenshotAsync(page, "auth-reader-experiments");

        await page.GotoAsync($"/#/runs/{Seed.ChampionRunId}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("retrain-007");
        await Expect(page.Locator(".chart[data-metric=rmse][data-ready=true]")).ToHaveAttributeAsync("data-points", "30");
        await page.GetByRole(AriaRole.Link, new() { Name = "notes.txt" }).ClickAsync();
        await Expect(page.Locator(".preview pre.code")).ToHaveTextAsync("Retrained after new data arrived.");

        // READ is not EDIT: a rename is refused in words, and the experiment keeps its name.
        await page.GotoAsync("/#/experiments");
        await experiments.Locator("tr", new() { HasText = SeedData.RetrainingExperiment }).GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await page.GetByLabel("New name").FillAsync("renamed-by-reader");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator(".messages [role=alert]")).ToContainTextAsync("Permission denied: Your user may not see or change this.");
        await page.ReloadAsync();
        await Expect(experiments).ToContainTextAsync(SeedData.RetrainingExperiment);
        await Expect(experiments).Not.ToContainTextAsync("renamed-by-reader");

        // A link to the experiment it may not read: a page that says so, and nothing of the experiment.
        await page.GotoAsync($"/#/experiments/{Seed.SpareExperimentId}/runs");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Permission denied");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Ask an administrator, or a user with MANAGE permission on it, for access.");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("scratch-experiment");
        await ScreenshotAsync(page, "auth-reader-permission-denied");

        await page.GotoAsync($"/#/runs/{_secretRunId}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Permission denied");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("secret-run");

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the experiments you may see" }).ClickAsync();
        await Expect(experiments).ToContainTextAsync(SeedData.RetrainingExperiment);
    }

    [TestCase(Reader, "not the reader's password")]
    [TestCase("stranger", ReaderPassword)]
    public async Task AWrongPasswordOrUnknownUserIsRefused(string username, string password)
    {
        var page = await NewPageAsync(Credentials(username, password));
        var response = await page.GotoAsync("/#/experiments");
        response!.Status.Should().Be(401);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in required");
        await Expect(page.Locator("body")).Not.ToContainTextAsync(SeedData.RetrainingExperiment);
        await ScreenshotAsync(page, "auth-refused-" + username);
    }

    /// <summary>
    /// A page whose browser answers every sign-in prompt with Cancel, as a person without an account does (headless
    /// Chromium has no prompt: left alone it fails the navigation instead of showing the 401 page).
    /// </summary>
    private async Task<IPage> PageThatCancelsTheSignInPromptAsync()
    {
        var page = await NewPageAsync();
        var cdp = await page.Context.NewCDPSessionAsync(page);
        cdp.Event("Fetch.requestPaused").OnEvent += (_, paused) =>
            _ = cdp.SendAsync("Fetch.continueRequest", new() { ["requestId"] = RequestId(paused) });
        cdp.Event("Fetch.authRequired").OnEvent += (_, challenge) => _ = cdp.SendAsync("Fetch.continueWithAuth", new()
        {
            ["requestId"] = RequestId(challenge),
            ["authChallengeResponse"] = new Dictionary<string, object> { ["response"] = "CancelAuth" },
        });
        await cdp.SendAsync("Fetch.enable", new() { ["handleAuthRequests"] = true });
        return page;
    }

    private static string RequestId(System.Text.Json.JsonElement? cdpEvent) => cdpEvent!.Value.GetProperty("requestId").GetString()!;

    private HttpCredentials Credentials(string username, string password) =>
        new() { Username = username, Password = password, Origin = Server.BaseAddress.GetLeftPart(UriPartial.Authority) };
}
