using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MlTrack.Benchmarks.Scenarios;

/// <summary>
/// Issue 3's figures: one artifact of --artifact-mib MiB (1 GiB by default) uploaded with PUT and downloaded
/// with GET through the proxy, as MiB/s each way, and how far the server's resident memory rose above what it
/// was before the transfer (its VmHWM afterwards minus its VmRSS before). The bytes are generated on the fly
/// and checked on the way back, so neither side holds the file in memory.
/// </summary>
internal static class ArtifactScenario
{
    private const double TargetMiBPerSecond = 300;
    private const double TargetGrowthMiB = 64;

    public static async Task<ScenarioResult> RunAsync(MlflowClient api, ServerProcess server, BenchOptions options, CancellationToken cancellationToken)
    {
        var bytes = options.ArtifactMiB * 1024L * 1024;
        var url = new Uri($"/api/2.0/mlflow-artifacts/artifacts/bench/{Guid.NewGuid():N}/artifacts/big.bin", UriKind.Relative);
        var before = server.Snapshot();

        var started = Stopwatch.GetTimestamp();
        using (var content = new StreamContent(new PatternStream(bytes), 1 << 20))
        using (var put = await api.Http.PutAsync(url, content, cancellationToken))
        {
            put.EnsureSuccessStatusCode();
        }

        var upload = Stopwatch.GetElapsedTime(started).TotalSeconds;
        started = Stopwatch.GetTimestamp();
        long received = 0;
        var mismatch = false;
        using (var get = await api.Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            get.EnsureSuccessStatusCode();
            await using var stream = await get.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[1 << 20];
            var expected = new byte[1 << 20];
            var pattern = new PatternStream(bytes);
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                pattern.ReadExactly(expected.AsSpan(0, read));
                mismatch |= !buffer.AsSpan(0, read).SequenceEqual(expected.AsSpan(0, read));
                received += read;
            }
        }

        var download = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var after = server.Snapshot();
        var valid = !mismatch && received == bytes;
        var growth = (after.PeakRssBytes - before.RssBytes) / 1048576.0;
        var info = new JsonObject { ["mib"] = options.ArtifactMiB };
        Log.Info($"artifacts: {options.ArtifactMiB} MiB up in {upload:F2} s, down in {download:F2} s, RSS growth {growth:F0} MiB"
            + (valid ? "" : " (DOWNLOAD DIFFERS)"));
        return new ScenarioResult(
            [
                new Figure("artifact_upload_mib_per_s", options.ArtifactMiB / upload, "MiB/s", ">=", TargetMiBPerSecond,
                    "a streamed PUT of one large artifact through the proxy", info, valid),
                new Figure("artifact_download_mib_per_s", options.ArtifactMiB / download, "MiB/s", ">=", TargetMiBPerSecond,
                    "a streamed GET of the same artifact, checked byte for byte", info, valid),
                new Figure("artifact_rss_growth_mib", growth, "MiB", "<=", TargetGrowthMiB,
                    "the server's peak RSS after both transfers minus its RSS before them", info, valid),
            ],
            new JsonObject { ["bytes"] = bytes, ["upload_s"] = Stats.Round(upload), ["download_s"] = Stats.Round(download) });
    }

    /// <summary>A seeded 1 MiB random block repeated to the given length: memcpy-cheap, so the client stays out of the way.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private static readonly byte[] Block = MakeBlock();
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var start = (int)(_position % Block.Length);
            var n = (int)Math.Min(Math.Min(buffer.Length, Block.Length - start), length - _position);
            Block.AsSpan(start, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private static byte[] MakeBlock()
        {
            var block = new byte[1 << 20];
            new Random(42).NextBytes(block);
            return block;
        }
    }
}
