using System.Text.Json.Nodes;

namespace MlTrack.Benchmarks.Scenarios;

/// <summary>
/// Figure 3: deep pagination. The last page (max_results 100, with the token a client holds after following every
/// page's next_page_token) against the first page, p50 of each, in the default order and ordered by a metric; the
/// figure is last / first. The last page asked with a bare MLflow offset token is reported beside it. First and
/// last page requests alternate, so drift hits both alike.
/// </summary>
internal static class PaginationScenario
{
    private const double TargetRatio = 1.2;
    private const int PageSize = 100;

    public static async Task<ScenarioResult> RunAsync(
        MlflowClient api, BenchOptions options, SearchDataset data, CancellationToken cancellationToken)
    {
        var lastOffset = (data.Runs - 1) / PageSize * PageSize;
        var lastCount = data.Runs - lastOffset;
        var figures = new List<Figure>();
        foreach (var (name, orderBy) in new[] { ("default_order", Array.Empty<string>()), ("metric_order", [SearchScenario.OrderByRmse]) })
        {
            var firstBody = MlflowClient.SearchBody(data.ExperimentId, PageSize, null, orderBy, null);
            var followedToken = await TokenOfPageAsync(api, data.ExperimentId, orderBy, lastOffset, cancellationToken);
            var lastBody = MlflowClient.SearchBody(data.ExperimentId, PageSize, null, orderBy, followedToken);
            var offsetBody = MlflowClient.SearchBody(data.ExperimentId, PageSize, null, orderBy, MlflowClient.PageToken(lastOffset));
            var first = new Stats();
            var last = new Stats();
            var byOffset = new Stats();
            await SearchScenario.TimeAsync(api, firstBody, options.SearchWarmup, 0, cancellationToken);
            await SearchScenario.TimeAsync(api, lastBody, options.SearchWarmup, 0, cancellationToken);
            byte[] firstAnswer = [], lastAnswer = [];
            for (var i = 0; i < options.PageIterations; i++)
            {
                (_, firstAnswer) = await SearchScenario.TimeAsync(api, firstBody, 0, 1, cancellationToken, first);
                (_, lastAnswer) = await SearchScenario.TimeAsync(api, lastBody, 0, 1, cancellationToken, last);
                await SearchScenario.TimeAsync(api, offsetBody, 0, 1, cancellationToken, byOffset);
            }

            var firstRuns = SearchScenario.Runs(firstAnswer);
            var lastRuns = SearchScenario.Runs(lastAnswer);
            var problem = firstRuns.Count != Math.Min(PageSize, data.Runs) ? $"first page has {firstRuns.Count} runs"
                : lastRuns.Count != lastCount ? $"last page has {lastRuns.Count} runs, expected {lastCount}"
                : orderBy.Length == 0 && lastRuns[^1].Name != SearchDataset.RunName(0)
                    ? $"last run is {lastRuns[^1].Name}, expected {SearchDataset.RunName(0)}"
                : orderBy.Length > 0 && lastRuns[^1].Rmse < firstRuns[0].Rmse ? "last page's rmse is below the first page's"
                : null;
            var ratio = last.P50 / first.P50;
            Log.Info($"pagination {name}: first p50 {first.P50:F1} ms, last (offset {lastOffset}) p50 {last.P50:F1} ms, ratio {ratio:F2}"
                + (problem is null ? "" : " WRONG: " + problem));
            var info = new JsonObject
            {
                ["first_page_p50_ms"] = Stats.Round(first.P50),
                ["last_page_p50_ms"] = Stats.Round(last.P50),
                ["first_page"] = first.ToJson(),
                ["last_page"] = last.ToJson(),
                ["last_page_offset"] = lastOffset,
                ["last_page_by_offset_token_p50_ms"] = Stats.Round(byOffset.P50),
                ["order_by"] = new JsonArray([.. orderBy.Select(o => JsonValue.Create(o))]),
            };
            if (problem is not null)
            {
                info["problem"] = problem;
            }

            figures.Add(new Figure(
                $"deep_page_ratio.{name}", ratio, "x", "<=", TargetRatio,
                $"p50 of the last page (offset {lastOffset}) / p50 of the first page, max_results {PageSize}, "
                + (orderBy.Length == 0 ? "default order" : $"ordered by {orderBy[0]}"),
                info, problem is null));
        }

        return new ScenarioResult(figures, []);
    }

    /// <summary>Follows next_page_token from the first page to the page at <paramref name="offset"/>, as a client does.</summary>
    private static async Task<string?> TokenOfPageAsync(
        MlflowClient api, string experimentId, string[] orderBy, int offset, CancellationToken cancellationToken)
    {
        string? token = null;
        for (var at = 0; at < offset; at += PageSize)
        {
            var answer = await api.PostAsync("runs/search", MlflowClient.SearchBody(experimentId, PageSize, null, orderBy, token), cancellationToken);
            using var json = System.Text.Json.JsonDocument.Parse(answer);
            token = json.RootElement.GetProperty("next_page_token").GetString();
        }

        return token;
    }
}
