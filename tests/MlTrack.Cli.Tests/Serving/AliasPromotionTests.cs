using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace MlTrack.Cli.Tests.Serving;

/// <summary>Serving <c>models:/NAME@ALIAS</c> follows a promotion under load: no request fails, each answer comes
/// wholly from one version, and the answers switch to the new version within seconds and never switch back.</summary>
public sealed class AliasPromotionTests : ServingTestBase
{
    private const int Clients = 6;

    [Test]
    public async Task A_promotion_is_followed_with_zero_failed_requests_under_concurrent_load()
    {
        var name = Unique();
        var first = await TrainAndRegisterAsync(name, alpha: 0.1);
        var second = await TrainAndRegisterAsync(name, alpha: 1.0);
        await Client.RegisteredModels.SetAliasAsync(name, "champion", first.Version);
        var models = new Dictionary<string, RegisteredVersion> { [first.Version] = first, [second.Version] = second };
        var rows = new[] { 0, 42, 4242 };
        Expected(first.Model, rows).Should().NotEqual(Expected(second.Model, rows), "the two versions must be told apart by their predictions");
        await using var server = await ServeAsync($"models:/{name}@champion", "--poll-interval", "0.2");

        var payload = SplitPayload(first.Model.FeatureNames, rows);
        var answers = new ConcurrentQueue<(int Client, long At, Scored? Scored, Exception? Error)>();
        var clock = Stopwatch.StartNew();
        long promotedAt = long.MaxValue;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var secondSeen = new int[Clients];
        var load = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            // Each client keeps going until it has had 50 answers from the new version (or the time is up).
            while (!stop.IsCancellationRequested && Volatile.Read(ref secondSeen[c]) < 50)
            {
                try
                {
                    var scored = await PostJsonAsync(server.BaseAddress, payload);
                    answers.Enqueue((c, clock.ElapsedMilliseconds, scored, null));
                    if (scored.ModelVersion == second.Version)
                    {
                        Interlocked.Increment(ref secondSeen[c]);
                    }
                }
                catch (HttpRequestException e)
                {
                    answers.Enqueue((c, clock.ElapsedMilliseconds, null, e));
                }
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(1));
        answers.Should().NotBeEmpty();
        await Client.RegisteredModels.SetAliasAsync(name, "champion", second.Version);
        Interlocked.Exchange(ref promotedAt, clock.ElapsedMilliseconds);
        await Task.WhenAll(load);

        var all = answers.ToArray();
        TestContext.Out.WriteLine($"{all.Length} requests; promoted at {promotedAt} ms");
        all.Should().OnlyContain(a => a.Error == null && a.Scored!.Status == HttpStatusCode.OK, "no request may fail during the swap");
        foreach (var (_, _, scored, _) in all)
        {
            scored!.Predictions().Should().Equal(Expected(models[scored.ModelVersion!].Model, rows), "an answer comes wholly from the version it names");
        }
        foreach (var perClient in all.GroupBy(a => a.Client))
        {
            var versions = perClient.Select(a => a.Scored!.ModelVersion).ToList();
            var switchAt = versions.IndexOf(second.Version);
            switchAt.Should().BeGreaterThan(0, "each client saw the first version, then the second");
            versions.Skip(switchAt).Should().OnlyContain(v => v == second.Version, "once promoted, the old version is never served again");
        }
        var firstNew = all.Where(a => a.Scored!.ModelVersion == second.Version).Min(a => a.At);
        (firstNew - promotedAt).Should().BeLessThan(5000, "a promotion is picked up within seconds");
        secondSeen.Should().OnlyContain(n => n >= 50);
    }
}
