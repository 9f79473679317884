using System.Globalization;
using Microsoft.Playwright;
using MlTrack.Ui.Tests.Support;

namespace MlTrack.Ui.Tests;

/// <summary>The browser UI clicked through in headless Chromium on data logged through the REST API.</summary>
public sealed class UiFlowTests : UiTestBase
{
    [Test]
    public async Task ExperimentsListSearchesCreatesRenamesDeletesAndRestores()
    {
        await GotoAsync("#/experiments");
        var table = Page.Locator("table.experiments");
        await Expect(table).ToContainTextAsync(SeedData.RetrainingExperiment);
        await Expect(table).ToContainTextAsync("drift-monitoring");
        await Expect(table).ToContainTextAsync("Default");
        await ScreenshotAsync("experiments");

        await Page.GetByLabel("Search experiments").FillAsync("drift");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(Pattern("q=drift"));
        await Expect(table).ToContainTextAsync("drift-monitoring");
        await Expect(table).Not.ToContainTextAsync(SeedData.RetrainingExperiment);

        await Page.GetByLabel("New experiment name").FillAsync("ui-created");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create experiment" }).ClickAsync();
        await Expect(Page.Locator("h1")).ToHaveTextAsync("ui-created");
        await Expect(Page.Locator("p.empty")).ToHaveTextAsync("No runs yet.");
        await Expect(Page).ToHaveURLAsync(Pattern(@"#/experiments/\d+/runs$"));

        await GotoAsync("#/experiments");
        var row = Page.Locator("table.experiments tr", new() { HasText = "ui-created" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Page.GetByLabel("New name").FillAsync("ui-renamed");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(table).ToContainTextAsync("ui-renamed");
        await Expect(table).Not.ToContainTextAsync("ui-created");

        await Page.Locator("table.experiments tr", new() { HasText = "ui-renamed" }).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(table).Not.ToContainTextAsync("ui-renamed");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Show deleted" }).ClickAsync();
        await Expect(Page.Locator("h1")).ToHaveTextAsync("Deleted experiments");
        await Page.Locator("table.experiments tr", new() { HasText = "ui-renamed" }).GetByRole(AriaRole.Button, new() { Name = "Restore" }).ClickAsync();
        await Expect(Page.Locator("p.empty")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Show active" }).ClickAsync();
        await Expect(table).ToContainTextAsync("ui-renamed");
    }

    [Test]
    public async Task RunsTableShowsAPageOfRunsWithParamAndMetricColumnsAndPages()
    {
        await GotoAsync($"#/experiments/{Seed.RetrainingId}/runs");
        await Expect(Page.Locator("table.runs tbody tr")).ToHaveCountAsync(100);
        var header = Page.Locator("table.runs thead");
        foreach (var column in new[] { "Run name", "Status", "Start time", "Duration", "User", "rmse", "r2", "mae", "alpha", "l1_ratio" })
        {
            await Expect(header).ToContainTextAsync(column);
        }

        // Newest first: run 129 started last.
        var first = Page.Locator("table.runs tbody tr").First;
        await Expect(first).ToContainTextAsync("retrain-129");
        await Expect(first).ToContainTextAsync(SeedData.Rmse(129).ToString(CultureInfo.InvariantCulture));
        await Expect(first).ToContainTextAsync("3m 39s"); // 90 s + 129 s
        await Expect(first).ToContainTextAsync("ben");
        await ScreenshotAsync("runs");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Next →" }).ClickAsync();
        await Expect(Page.Locator("table.runs tbody tr")).ToHaveCountAsync(30);
        await Expect(Page.Locator("table.runs tbody tr").First).ToContainTextAsync("retrain-029");
        await Page.GetByRole(AriaRole.Button, new() { Name = "← Previous" }).ClickAsync();
        await Expect(Page.Locator("table.runs tbody tr").First).ToContainTextAsync("retrain-129");

        // Columns are chosen in the Columns menu and kept in the link.
        await Page.Locator("details.columns summary").ClickAsync();
        await Page.GetByLabel("param data_file").CheckAsync();
        await Expect(header).ToContainTextAsync("data_file");
        await Page.GetByLabel("metric mae").UncheckAsync();
        await Expect(header).Not.ToContainTextAsync("mae");
        await Expect(Page).ToHaveURLAsync(Pattern("cols="));
    }

    [Test]
    public async Task RunsTableSortsByAMetricAndByRunNameOnTheServer()
    {
        await GotoAsync($"#/experiments/{Seed.RetrainingId}/runs");
        await Expect(Page.Locator("table.runs tbody tr")).ToHaveCountAsync(100);
        var byRmse = Enumerable.Range(0, SeedData.RetrainingRuns).OrderBy(SeedData.Rmse).ThenByDescending(i => i).ToList();

        var rmseHeader = Page.Locator("th.sortable button", new() { HasText = "rmse" });
        await rmseHeader.ClickAsync();
        await Expect(Page).ToHaveURLAsync(Pattern("order=metrics.%60rmse%60(\\+|%20)DESC"));
        var highest = Enumerable.Range(0, SeedData.RetrainingRuns).OrderByDescending(SeedData.Rmse).ThenByDescending(i => i).First();
        await Expect(Page.Locator("table.runs tbody tr").First).ToContainTextAsync($"retrain-{highest:000}");

        await rmseHeader.ClickAsync();
        await Expect(Page.Locator("th[aria-sort=ascending]")).ToContainTextAsync("rmse");
        await Expect(Page.Locator("table.runs tbody tr").First).ToContainTextAsync($"retrain-{byRmse[0]:000}");
        var names = await RunNamesAsync();
        names.Take(5).Should().Equal(byRmse.Take(5).Select(i => $"retrain-{i:000}"));
        await ScreenshotAsync("runs-sorted-by-rmse");

        // The order survives paging: page 2 continues where page 1 stopped.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Next →" }).ClickAsync();
        await Expect(Page.Locator("table.runs tbody tr").First).ToContainTextAsync($"retrain-{byRmse[100]:000}");

        await Page.Locator("th.sortable button", new() { HasText = "Run name" }).ClickAsync();
        await Expect(Page.Locator("table.runs tbody tr").First).ToContainTextAsync("retrain-000");
    }

    [Test]
    public async Task RunsTableFiltersWithTheSearchGrammarAndExplainsMistakes()
    {
        await GotoAsync($"#/experiments/{Seed.RetrainingId}/runs");
        var filter = Page.GetByLabel("Filter runs");
        await filter.FillAsync("metrics.rmse < 0.7 and params.alpha = '0.2'");
        await filter.PressAsync("Enter");
        var expected = Enumerable.Range(0, SeedData.RetrainingRuns).Where(i => SeedData.Rmse(i) < 0.7 && SeedData.Alpha(i) == "0.2").ToList();
        expected.Should().NotBeEmpty();
        await Expect(Page.Locator("table.runs tbody tr")).ToHaveCountAsync(expected.Count);
        (await RunNamesAsync()).Should().BeEquivalentTo(expected.Select(i => $"retrain-{i:000}"));

        // The link is shareable: opening it in a fresh page shows the same rows.
        var link = Page.Url;
        var other = await Page.Context.NewPageAsync();
        await other.GotoAsync(link);
        await Expect(other.Locator("table.runs tbody tr")).ToHaveCountAsync(expected.Count);
        await Expect(other.GetByLabel("Filter runs")).ToHaveValueAsync("metrics.rmse < 0.7 and params.alpha = '0.2'");
        await other.CloseAsync();

        await filter.FillAsync("params.alpha = 0.2 or metrics.rmse < 1");
        await filter.PressAsync("Enter");
        var error = Page.Locator(".error");
        await Expect(error).ToContainTextAsync("INVALID_PARAMETER_VALUE");
        await Expect(Page.Locator(".help")).ToContainTextAsync("metrics.rmse < 0.8");
        await Expect(Page.Locator("table.runs")).ToHaveCountAsync(0);
        await ScreenshotAsync("runs-filter-error");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await Expect(Page.Locator("table.runs tbody tr")).ToHaveCountAsync(100);
    }

    [Test]
    public async Task SelectedRunsAreComparedOnOneChartAScatterAndAParamTable()
    {
        await GotoAsync($"#/experiments/{Seed.RetrainingId}/runs");
        foreach (var name in new[] { "retrain-128", "retrain-127", "retrain-125" })
        {
            await Page.GetByLabel("Select " + name).CheckAsync();
        }

        await Expect(Page.Locator(".selection")).ToContainTextAsync("3 selected");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Compare" }).ClickAsync();
        await Expect(Page.Locator("h1")).ToHaveTextAsync("Comparing 3 runs");
        await Expect(Page).ToHaveURLAsync(Pattern("#/compare\\?runs="));

        var chart = Page.Locator(".chart[data-ready=true]");
        await Expect(chart).ToHaveAttributeAsync("data-metric", "mae");
        await Expect(chart.Locator(".u-legend")).ToContainTextAsync("retrain-125");
        await Page.Locator("select[name=metric]").SelectOptionAsync("rmse");
        await Expect(Page.Locator(".chart[data-ready=true]")).ToHaveAttributeAsync("data-metric", "rmse");
        await Expect(Page.Locator(".chart[data-ready=true]")).ToHaveAttributeAsync("data-points", "30");

        await Expect(Page.Locator("svg.scatter circle")).ToHaveCountAsync(3);
        // alpha differs (run i has alpha 0.1 * (1 + i % 5)); l1_ratio is 0.5 for all three, so it is hidden until asked for.
        var diff = Page.Locator("table.param-diff");
        await Expect(diff.Locator("tr.differs", new() { HasText = "alpha" })).ToBeVisibleAsync();
        await Expect(diff).Not.ToContainTextAsync("l1_ratio");
        await Page.GetByLabel("Only parameters that differ").UncheckAsync();
        await Expect(Page.Locator("table.param-diff")).ToContainTextAsync("l1_ratio");
        await ScreenshotAsync("compare");
    }

    [Test]
    public async Task RunsAreDeletedAndRestoredFromTheTable()
    {
        var experimentId = await Server.CreateExperimentAsync("delete-and-restore");
        for (var i = 0; i < 3; i++)
        {
            await Server.CreateRunAsync(experimentId, $"scratch-{i}", SeedData.Start + i);
        }

        await GotoAsync($"#/experiments/{experimentId}/runs");
        await Expect(Page.Locator("table.runs tbody tr")).ToHaveCountAsync(3);
        await Page.GetByLabel("Select scratch-1").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete selected" }).ClickAsync();
        await Expect(Page.Locator("table.runs tbody tr")).ToHaveCountAsync(2);
        await Expect(Page.Locator("table.runs")).Not.ToContainTextAsync("scratch-1");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Show deleted runs" }).ClickAsync();
        await Expect(Page.Locator("table.runs tbody tr")).ToHaveCountAsync(1);
        await Page.GetByLabel("Select scratch-1").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Restore selected" }).ClickAsync();
        await Expect(Page.Locator("p.empty")).ToHaveTextAsync("No runs yet.");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Show active runs" }).ClickAsync();
        await Expect(Page.Locator("table.runs tbody tr")).ToHaveCountAsync(3);
    }

    [Test]
    public async Task RunPageShowsParamsMetricsChartsVersionsTagsAndArtifacts()
    {
        await GotoAsync($"#/experiments/{Seed.RetrainingId}/runs?filter=attributes.run_name%20%3D%20'retrain-007'");
        await Expect(Page.Locator("table.runs tbody tr")).ToHaveCountAsync(1);
        await Page.GetByRole(AriaRole.Link, new() { Name = "retrain-007" }).ClickAsync();
        await Expect(Page.Locator("h1")).ToHaveTextAsync("retrain-007");
        await Expect(Page).ToHaveURLAsync(Pattern($"#/runs/{Seed.ChampionRunId}$"));

        await Expect(Page.Locator("dl.facts")).ToContainTextAsync("FINISHED");
        await Expect(Page.Locator("dl.facts")).ToContainTextAsync("1m 37s");
        await Expect(Page.Locator("table.params")).ToContainTextAsync("alpha");
        await Expect(Page.Locator("table.params tr", new() { HasText = "alpha" })).ToContainTextAsync(SeedData.Alpha(7));
        await Expect(Page.Locator("table.metrics tr", new() { HasText = "rmse" })).ToContainTextAsync(SeedData.Rmse(7).ToString(CultureInfo.InvariantCulture));
        await Expect(Page.Locator(".chart[data-metric=rmse][data-ready=true]")).ToHaveAttributeAsync("data-points", "30");
        await Expect(Page.Locator("table.tags")).ToContainTextAsync("retrain.trigger");

        var versions = Page.Locator("table.versions");
        await Expect(versions).ToContainTextAsync(SeedData.ModelName);
        await Expect(versions).ToContainTextAsync("@champion");

        // Artifacts: a tree fetched level by level, and a preview of each kind of file.
        var preview = Page.Locator(".preview");
        await Page.GetByRole(AriaRole.Button, new() { Name = "▸ model/" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "MLmodel" }).ClickAsync();
        await Expect(preview.Locator("pre.code")).ToContainTextAsync("loader_module: mltrack_elasticnet");
        await Expect(Page).ToHaveURLAsync(Pattern("artifact=model%2FMLmodel"));
        await ScreenshotAsync("run");

        await Page.GetByRole(AriaRole.Link, new() { Name = "model.json" }).ClickAsync();
        await Expect(preview.Locator("pre.json")).ToContainTextAsync("\"intercept\": 5.63");

        await Page.GetByRole(AriaRole.Link, new() { Name = "data_schema.csv" }).ClickAsync();
        await Expect(preview.Locator("table.csv thead")).ToContainTextAsync("max");
        await Expect(preview.Locator("table.csv tbody tr")).ToHaveCountAsync(2);
        await Expect(preview.Locator("table.csv tbody")).ToContainTextAsync("sulphates, total");

        await Page.GetByRole(AriaRole.Button, new() { Name = "▸ plots/" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "predicted_vs_actual.png" }).ClickAsync();
        var image = preview.Locator("img");
        await Expect(image).ToBeVisibleAsync();
        (await image.EvaluateAsync<int>("img => img.decode().then(() => img.naturalWidth)")).Should().Be(2);
        await ScreenshotAsync("run-artifact-image");

        await Page.GetByRole(AriaRole.Link, new() { Name = "notes.txt" }).ClickAsync();
        await Expect(preview.Locator("pre.code")).ToHaveTextAsync("Retrained after new data arrived.");
        var download = await Page.RunAndWaitForDownloadAsync(() => preview.GetByRole(AriaRole.Link, new() { Name = "Download" }).ClickAsync());
        download.SuggestedFilename.Should().Be("notes.txt");
        var saved = Path.Combine(TestContext.CurrentContext.WorkDirectory, "downloaded-notes.txt");
        await download.SaveAsAsync(saved);
        (await File.ReadAllTextAsync(saved)).Should().Be("Retrained after new data arrived.");

        // A shared link opens the same artifact.
        await GotoAsync($"#/runs/{Seed.ChampionRunId}?artifact=model%2Fmodel.json");
        await Expect(preview.Locator("pre.json")).ToContainTextAsync("coefficients");
    }

    [Test]
    public async Task LongMetricHistoriesAreSampledForTheChart()
    {
        var runId = await Server.CreateRunAsync(Seed.SpareExperimentId, "long-history", SeedData.Start);
        for (var batch = 0; batch < 20; batch++)
        {
            var metrics = Enumerable.Range(batch * 1000, 1000)
                .Select(step => new { key = "loss", value = 1.0 / (1 + step), timestamp = SeedData.Start + step, step })
                .ToArray();
            await Server.PostAsync("runs/log-batch", new { run_id = runId, metrics });
        }

        await GotoAsync($"#/runs/{runId}");
        var chart = Page.Locator(".chart[data-metric=loss][data-ready=true]");
        await Expect(chart).ToBeVisibleAsync();
        var points = int.Parse((await chart.GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture);
        points.Should().BeInRange(900, 1010, "20,000 steps are sampled to about 1,000 points, first and last included");
        await Expect(Page.Locator("table.metrics tr", new() { HasText = "loss" })).ToContainTextAsync("19999");
        await ScreenshotAsync("run-long-history");
    }

    [Test]
    public async Task ModelRegistryShowsModelsVersionsAliasesAndSourceRuns()
    {
        await GotoAsync("#/models");
        var row = Page.Locator("table.models tr", new() { HasText = SeedData.ModelName });
        await Expect(row).ToContainTextAsync("@champion → v2");
        await Expect(row).ToContainTextAsync("@challenger → v1");
        await Expect(row).ToContainTextAsync("Version 2");
        await ScreenshotAsync("models");

        await row.GetByRole(AriaRole.Link, new() { Name = SeedData.ModelName }).ClickAsync();
        await Expect(Page.Locator("h1")).ToHaveTextAsync(SeedData.ModelName);
        await Expect(Page.Locator("p.description")).ToHaveTextAsync("Elastic net on the wine quality data");
        var v2 = Page.Locator("table.versions tr[data-version='2']");
        await Expect(v2).ToContainTextAsync("@champion");
        await Expect(v2).ToContainTextAsync("retrain-007");
        await Expect(Page.Locator("table.versions tr[data-version='1']")).ToContainTextAsync("retrain-008");
        await ScreenshotAsync("model");

        await v2.GetByRole(AriaRole.Link, new() { Name = "retrain-007" }).ClickAsync();
        await Expect(Page.Locator("h1")).ToHaveTextAsync("retrain-007");
    }
}
