using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MlTrack.Ui.Tests.Support;

namespace MlTrack.Ui.Tests;

/// <summary>One server with the seed data and one headless Chromium per fixture; a fresh browser context per test.</summary>
public abstract class UiTestBase
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<string> _offOrigin = [];
    private readonly List<string> _pageErrors = [];

    internal UiServer Server { get; private set; } = null!;

    internal SeedData Seed { get; private set; } = null!;

    protected IPage Page { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Server = await StartServerAsync();
        Seed = await SeedData.LogAsync(Server);
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>The server a fixture runs against; fixtures override it to start one with other options (--auth).</summary>
    private protected virtual Task<UiServer> StartServerAsync() => UiServer.StartAsync();

    [SetUp]
    public async Task OpenPageAsync()
    {
        _offOrigin.Clear();
        _pageErrors.Clear();
        Page = await NewPageAsync();
    }

    /// <summary>A page in a browser context of its own (its own cookies and, given credentials, its own sign-in).</summary>
    protected async Task<IPage> NewPageAsync(HttpCredentials? credentials = null)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            AcceptDownloads = true,
            HttpCredentials = credentials,
        });
        _contexts.Add(context);
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        // Every asset comes from the server: a request to any other origin is a failure (the UI works offline).
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(Server.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
                && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                _offOrigin.Add(request.Url);
            }
        };
        page.PageError += (_, error) => _pageErrors.Add(error);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        return page;
    }

    [TearDown]
    public async Task ClosePageAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        _contexts.Clear();

        _offOrigin.Should().BeEmpty("the UI must load nothing from outside the server");
        _pageErrors.Should().BeEmpty("the page must not throw");
    }

    protected Task GotoAsync(string hashRoute) => Page.GotoAsync("/" + hashRoute);

    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    protected static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    protected Task ScreenshotAsync(string name) => Browser.ScreenshotAsync(Page, name);

    protected static Task ScreenshotAsync(IPage page, string name) => Browser.ScreenshotAsync(page, name);

    protected static Regex Pattern(string regex) => new(regex, RegexOptions.None, TimeSpan.FromSeconds(1));

    /// <summary>The run-name cells of the runs table, top to bottom.</summary>
    protected async Task<IReadOnlyList<string>> RunNamesAsync() =>
        await Page.Locator("table.runs tbody tr td:nth-child(2)").AllInnerTextsAsync();
}
